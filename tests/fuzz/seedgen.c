/*
 * Writes seed inputs for fuzz_journal and fuzz_snapshot (not run by the
 * tests; the seeds it wrote are committed under corpus/). Usage:
 *   fuzz_seedgen OUT_JOURNAL_DIR OUT_SNAPSHOT_DIR CONFIG [RUNBOOK ...]
 * It loads CONFIG (a siren-sim scenario or any configuration document) and
 * the runbooks into an engine whose storage it keeps, engages the first
 * contact, runs the clock for an hour accepting one page, starts an incident
 * on the first response plan and an execution of each runbook, then
 * snapshots. Journal seeds are a flags byte followed by the records; the
 * snapshot seed is the snapshot record's body.
 */
#include "fuzz_host.h"

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  FZ_CHECK(f != NULL);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  FZ_CHECK(buf && fread(buf, 1, (size_t)n, f) == (size_t)n);
  fclose(f);
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

static const char *base(const char *p) {
  const char *s = strrchr(p, '/');
  return s ? s + 1 : p;
}

static void write_journal(const char *dir, const char *name, const char *suffix, uint8_t flags,
                          const fz_records *r) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix);
  FILE *f = fopen(path, "wb");
  FZ_CHECK(f != NULL);
  fputc(flags, f);
  fwrite(r->bytes, 1, r->len, f);
  fclose(f);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s JOURNAL_DIR SNAPSHOT_DIR CONFIG [RUNBOOK ...]\n", argv[0]);
    return 2;
  }
  fz_host h;
  fz_host_setup(&h);
  siren_host t = fz_host_table(1);
  siren_engine *e = NULL;
  FZ_CHECK(siren_engine_new(&e, &t, NULL, &h) == SIREN_OK);
  size_t len;
  char *text = slurp(argv[3], &len);
  int rc = siren_config_load(NULL, e, text, len);
  if (rc) fprintf(stderr, "%s: %s", argv[3], siren_config_problems(e));
  free(text);
  for (int i = 4; i < argc; i++) {
    char name[129];
    snprintf(name, sizeof name, "rb%d", i);
    text = slurp(argv[i], &len);
    if (siren_runbook_load(e, name, text, len)) fprintf(stderr, "%s: %s", argv[i], siren_config_problems(e));
    free(text);
  }
  if (siren_contact_count(e) > 0) {
    siren_engagement_params p = SIREN_ENGAGEMENT_PARAMS_INIT;
    p.contact = siren_contact_alias_at(e, 0);
    p.sender = "seedgen";
    p.subject = "disk full";
    p.content = "the disk is full";
    siren_id id;
    siren_engagement_start(&id, e, &p);
  }
  if (siren_response_plan_count(e) > 0) {
    siren_incident_params ip;
    siren_incident_params_init(&ip, SIREN_INCIDENT_PARAMS_VERSION);
    ip.response_plan = siren_response_plan_name_at(e, 0);
    ip.trigger_source = "seedgen";
    siren_id id;
    int dedup;
    siren_incident_start(&id, &dedup, e, &ip);
  }
  for (uint32_t i = 0; i < siren_runbook_count(e); i++) {
    siren_execution_params p = SIREN_EXECUTION_PARAMS_INIT;
    p.runbook = siren_runbook_name_at(e, i);
    siren_id id;
    siren_execution_start(&id, e, &p);
  }
  int accepted = 0;
  for (int m = 0; m < 60; m++) {
    h.now += 60000;
    siren_engine_advance(e, NULL);
    if (!accepted && m == 7) {
      size_t total = 0;
      siren_id pages[4];
      if (siren_contact_count(e) > 0 &&
          siren_contact_pages(pages, 4, &total, e, siren_contact_alias_at(e, 0)) == SIREN_OK && total) {
        siren_page_receipt(e, pages[0], SIREN_RECEIPT_DELIVERED, "ok");
        accepted = 1;
      }
    }
    if (h.exec && m % 5 == 0) siren_action_result(e, h.exec, h.step, h.attempt, "{}", NULL);
  }
  const char *name = base(argv[3]);
  write_journal(argv[1], name, ".j", 0x01, &h.rec);
  size_t before = h.rec.n;
  rc = siren_engine_snapshot(e);
  if (rc) fprintf(stderr, "snapshot: %d %s\n", rc, siren_errmsg(e));
  if (rc) return 0; /* runbooks: snapshot format 1 refuses them; the journal seed is written */
  FZ_CHECK(h.rec.n == before + 1);
  size_t off = h.rec.off[before], n = h.rec.rlen[before];
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.snap", argv[2], name);
  FILE *f = fopen(path, "wb");
  FZ_CHECK(f != NULL);
  fwrite(h.rec.bytes + off + 24, 1, n - 28, f);
  fclose(f);
  /* The snapshot first, then what follows it, with advance + roundtrip. */
  h.now += 600000;
  siren_engine_advance(e, NULL);
  fz_records tail;
  memset(&tail, 0, sizeof tail);
  for (size_t i = before; i < h.rec.n; i++) fz_records_add(&tail, h.rec.bytes + h.rec.off[i], h.rec.rlen[i]);
  write_journal(argv[1], name, ".snap.j", 0x06, &tail);
  fz_records_free(&tail);
  siren_engine_free(e);
  fz_records_free(&h.rec);
  return 0;
}
