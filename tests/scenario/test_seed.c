/*
 * The seed walkthrough (AWS Incident Manager launch post) through the public
 * API only: incident-responder and sr-incident-responder (email at minute 0,
 * SMS at minute 10), app-escalation-plan (stage 1: 5 minutes,
 * incident-responder; stage 2: sr-incident-responder; both essential).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testhost.h"

static siren_engine *seed(th_host *th, int activate) {
  siren_engine *e = th_engine(th, 1, 0);
  th_seed(e, activate);
  return e;
}

static void accept_last(th_host *th, siren_engine *e, const char *contact) {
  int i = th_last_page(th, contact, NULL);
  assert_true(i >= 0);
  assert_int_equal(siren_page_accept(e, th->notices[i].page, SIREN_ACCEPT_READ, th->notices[i].code,
                                     SIREN_ACCEPT_ENFORCE, "on it"),
                   SIREN_OK);
}

static void no_ack_pages_everyone(void **state) {
  (void)state;
  static th_host th;
  memset(&th, 0, sizeof th);
  siren_engine *e = seed(&th, 1);
  siren_id id = th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "10:incident-responder/incident-responder-mobile "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(info.acknowledged, 0);
  assert_int_equal(info.stop_time, TH_T0 + 20 * 60000); /* sr's SMS stage runs out at 20 */
  assert_int_equal(info.page_count, 4);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_ENGAGEMENT_COMPLETED), 1);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  /* SMS pages carry the public subject, email the secure one. */
  int mail = th_last_page(&th, "incident-responder", "incident-responder-email");
  assert_string_equal(th.notices[mail].subject, "EC2 CPU above 85%");
  assert_string_equal(th.notices[mail].address, "responder@example.com");
  int sms = th_last_page(&th, "incident-responder", "incident-responder-mobile");
  assert_string_equal(th.notices[sms].subject, "CPU alarm");
  siren_engine_free(e);
  free(th.records);
}

static void essential_ack_at_minute_3_stops_everything(void **state) {
  (void)state;
  static th_host th;
  memset(&th, 0, sizeof th);
  siren_engine *e = seed(&th, 1);
  siren_id id = th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 3);
  accept_last(&th, e, "incident-responder");
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), "0:incident-responder/incident-responder-email");
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(info.acknowledged, 1);
  assert_int_equal(info.stop_time, TH_T0 + 3 * 60000);
  assert_int_equal(siren_engine_next_deadline(e), SIREN_NO_DEADLINE);
  siren_page_info pi = SIREN_PAGE_INFO_INIT;
  assert_int_equal(siren_page_get(&pi, e, th.notices[th_last_page(&th, "incident-responder", NULL)].page), SIREN_OK);
  assert_int_equal(pi.accepted_time, TH_T0 + 3 * 60000);
  assert_string_equal(pi.accept_note, "on it");
  assert_string_equal(pi.engaged_by, "app-escalation-plan");
  assert_int_equal(pi.escalation_stage, 0);
  assert_int_equal(pi.essential, 1);
  siren_engine_free(e);
  free(th.records);
}

static void sr_accepts_at_minute_7(void **state) {
  (void)state;
  static th_host th;
  memset(&th, 0, sizeof th);
  siren_engine *e = seed(&th, 1);
  siren_id id = th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 7);
  accept_last(&th, e, "sr-incident-responder");
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email");
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.acknowledged, 1);
  assert_int_equal(info.stop_time, TH_T0 + 7 * 60000);
  siren_engine_free(e);
  free(th.records);
}

static void non_essential_ack_does_not_stop_stage_2(void **state) {
  (void)state;
  static th_host th;
  memset(&th, 0, sizeof th);
  siren_engine *e = seed(&th, 1);
  /* Make incident-responder non-essential in stage 1. */
  assert_int_equal(th_escalation_plan(e, "app-escalation-plan", 0, 1), SIREN_OK);
  siren_id id = th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 3);
  accept_last(&th, e, "incident-responder");
  int acc = th_find_event(&th, SIREN_EVENT_PAGE_ACCEPTED, 0);
  assert_true(acc >= 0);
  th_run_until(&th, e, 60);
  /* incident-responder's own SMS is not sent (it accepted), stage 2 still is. */
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "5:sr-incident-responder/sr-incident-responder-email "
                      "15:sr-incident-responder/sr-incident-responder-mobile");
  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  assert_int_equal(siren_engagement_get(&info, e, id), SIREN_OK);
  assert_int_equal(info.state, SIREN_ENGAGEMENT_COMPLETED);
  assert_int_equal(info.acknowledged, 0);
  siren_engine_free(e);
  free(th.records);
}

static void error_receipt_retries_after_interval(void **state) {
  (void)state;
  static th_host th;
  memset(&th, 0, sizeof th);
  siren_engine *e = seed(&th, 1);
  th_engage(e, "app-escalation-plan");
  th_at_minute(&th, 0.5);
  siren_id first = th.notices[th_last_page(&th, "incident-responder", NULL)].page;
  assert_int_equal(siren_page_receipt(e, first, SIREN_RECEIPT_ERROR, "mailbox full"), SIREN_OK);
  /* retry_interval_minutes is 1: the retry is due at 1.5 minutes exactly. */
  assert_int_equal(siren_engine_next_deadline(e), TH_T0 + 90000);
  th_run_until(&th, e, 3);
  assert_string_equal(th_pages_text(&th),
                      "0:incident-responder/incident-responder-email "
                      "90s:incident-responder/incident-responder-email");
  int r = th_last_page(&th, "incident-responder", NULL);
  assert_int_equal(th.notices[r].retry_of, first);
  assert_true(th.notices[r].page != first);
  assert_int_equal(th_count_events(&th, SIREN_EVENT_PAGE_RETRY), 1);
  siren_receipt_info ri = SIREN_RECEIPT_INFO_INIT;
  assert_int_equal(siren_page_receipt_at(&ri, e, first, 0), SIREN_OK);
  assert_int_equal(ri.type, SIREN_RECEIPT_ERROR);
  assert_string_equal(ri.info, "mailbox full");
  siren_engine_free(e);
  free(th.records);
}

static void not_activated_channel_is_skipped(void **state) {
  (void)state;
  static th_host th;
  memset(&th, 0, sizeof th);
  siren_engine *e = seed(&th, 0);
  /* Four activation codes went out; activate only incident-responder's email. */
  size_t codes = 0;
  int email = -1;
  for (size_t i = 0; i < th.notice_count; i++)
    if (th.notices[i].kind == SIREN_NOTIFY_ACTIVATION_CODE) {
      codes++;
      if (strcmp(th.notices[i].channel, "incident-responder-email") == 0) email = (int)i;
    }
  assert_int_equal(codes, 4);
  assert_true(email >= 0);
  assert_int_equal(strlen(th.notices[email].code), 6);
  assert_int_equal(siren_channel_activate(e, "incident-responder", "incident-responder-email", th.notices[email].code), SIREN_OK);
  th.notice_count = 0;
  th_engage(e, "app-escalation-plan");
  th_run_until(&th, e, 60);
  assert_string_equal(th_pages_text(&th), "0:incident-responder/incident-responder-email");
  assert_int_equal(th_count_events(&th, SIREN_EVENT_CHANNEL_SKIPPED), 3);
  int sk = th_find_event(&th, SIREN_EVENT_CHANNEL_SKIPPED, 0);
  assert_non_null(strstr(th.ev_lines[sk], "not activated"));
  siren_engine_free(e);
  free(th.records);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(no_ack_pages_everyone),
      cmocka_unit_test(essential_ack_at_minute_3_stops_everything),
      cmocka_unit_test(sr_accepts_at_minute_7),
      cmocka_unit_test(non_essential_ack_does_not_stop_stage_2),
      cmocka_unit_test(error_receipt_retries_after_interval),
      cmocka_unit_test(not_activated_channel_is_skipped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
