// The public header from C++11: <siren/siren.h> first, built with
// -std=c++11 -Wall -Wextra -Wpedantic -Werror, its *_INIT macros used as a C++
// host would use them, and a small engine driven end to end. Exit 0 on success;
// otherwise a line on stderr says what failed.
#include <siren/siren.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct demo_host {
  int64_t now;
  std::vector<std::string> pages;
};

int clock_cb(int64_t *now_ms, void *user_data) {
  *now_ms = static_cast<demo_host *>(user_data)->now;
  return 0;
}

int notify_cb(const siren_notification *n, void *user_data) {
  if (n->kind == SIREN_NOTIFY_PAGE)
    static_cast<demo_host *>(user_data)->pages.push_back(std::string(n->contact) + "/" + n->channel);
  return 0;
}

int failures = 0;

void check(bool ok, const char *what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what);
    failures++;
  }
}

}  // namespace

int main() {
  check(siren_version_number() == SIREN_VERSION_NUMBER, "siren_version_number() == SIREN_VERSION_NUMBER");
  check(std::strcmp(siren_version(), SIREN_VERSION_STRING) == 0, "siren_version() == SIREN_VERSION_STRING");
  check(std::strcmp(siren_strerror(SIREN_ENOTFOUND), "") != 0, "siren_strerror(SIREN_ENOTFOUND) is not empty");

  siren_host host = SIREN_HOST_INIT;
  host.clock = clock_cb;
  host.notify = notify_cb;
  siren_options options = SIREN_OPTIONS_INIT;
  demo_host demo;
  demo.now = 1767603600000;  // 2026-01-05T09:00:00Z
  siren_engine *engine = nullptr;
  check(siren_engine_new(&engine, &host, &options, &demo) == SIREN_OK, "siren_engine_new");
  if (!engine) return 1;

  check(siren_contact_create(engine, "oncall", "On call", SIREN_CONTACT_PERSONAL) == SIREN_OK,
        "siren_contact_create");
  check(siren_channel_create(engine, "oncall", "mail", "EMAIL", "oncall@example.com",
                             SIREN_CHANNEL_ACTIVATED) == SIREN_OK,
        "siren_channel_create");
  siren_target target = SIREN_TARGET_INIT;
  target.channel = "mail";
  siren_stage stage = SIREN_STAGE_INIT;
  stage.duration_minutes = 5;
  stage.target_count = 1;
  stage.targets = &target;
  siren_plan plan = SIREN_PLAN_INIT;
  plan.stage_count = 1;
  plan.stages = &stage;
  check(siren_contact_set_plan(engine, "oncall", &plan) == SIREN_OK, "siren_contact_set_plan");

  siren_engagement_params params = SIREN_ENGAGEMENT_PARAMS_INIT;
  params.contact = "oncall";
  params.sender = "abi-test";
  params.subject = "C++ host";
  params.content = "from header_cxx.cpp";
  siren_id id = 0;
  check(siren_engagement_start(&id, engine, &params) == SIREN_OK, "siren_engagement_start");
  check(demo.pages.size() == 1 && demo.pages[0] == "oncall/mail", "one page to oncall/mail");

  siren_engagement_info info = SIREN_ENGAGEMENT_INFO_INIT;
  check(siren_engagement_get(&info, engine, id) == SIREN_OK && info.page_count == 1,
        "siren_engagement_get: one page");
  siren_page_info page = SIREN_PAGE_INFO_INIT;
  siren_receipt_info receipt = SIREN_RECEIPT_INFO_INIT;
  siren_channel_info channel = SIREN_CHANNEL_INFO_INIT;
  siren_preview_ack ack = SIREN_PREVIEW_ACK_INIT;
  siren_preview_page preview = SIREN_PREVIEW_PAGE_INIT;
  check(page.version == SIREN_PAGE_INFO_VERSION && receipt.version == SIREN_RECEIPT_INFO_VERSION &&
            channel.version == SIREN_CHANNEL_INFO_VERSION && ack.version == SIREN_PREVIEW_ACK_VERSION &&
            preview.version == SIREN_PREVIEW_PAGE_VERSION,
        "*_INIT macros set version");
  // SIREN_CONTACT_INFO_INIT is covered by the abi-init-macros-c++ test; the
  // _init() function is the FFI-style spelling and works everywhere.
  siren_contact_info contact;
  check(siren_contact_info_init(&contact, SIREN_CONTACT_INFO_VERSION) == SIREN_OK &&
            siren_contact_get(&contact, engine, "oncall") == SIREN_OK &&
            contact.type == SIREN_CONTACT_PERSONAL && contact.channel_count == 1,
        "siren_contact_get");

  siren_engine_free(engine);
  if (failures) return 1;
  std::printf("C++11 host: siren %s, all checks passed\n", siren_version());
  return 0;
}
