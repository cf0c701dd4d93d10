/*
 * The public header on its own, in strict C11: <siren/siren.h> is the first and
 * only include, built with -std=c11 -Wall -Wextra -Wpedantic -Werror (and a few
 * more warnings a host may well use). The program checks that the library it
 * runs against is the one the header describes. Exit codes name the failure.
 */
#include <siren/siren.h>

static int same(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

int main(void) {
  siren_host host = SIREN_HOST_INIT;
  siren_options options = SIREN_OPTIONS_INIT;
  siren_target target = SIREN_TARGET_INIT;
  siren_stage stage = SIREN_STAGE_INIT;
  siren_plan plan = SIREN_PLAN_INIT;
  siren_engagement_params params = SIREN_ENGAGEMENT_PARAMS_INIT;
  siren_page_info page = SIREN_PAGE_INFO_INIT;
  siren_contact_info contact = SIREN_CONTACT_INFO_INIT;
  siren_host zeroed;
  const char *version = siren_version();

  if (siren_version_number() != SIREN_VERSION_NUMBER) return 10;
  if (version == NULL || !same(version, SIREN_VERSION_STRING)) return 11;
  if (SIREN_VERSION_NUMBER !=
      SIREN_VERSION_MAJOR * 10000 + SIREN_VERSION_MINOR * 100 + SIREN_VERSION_PATCH)
    return 12;
  if (siren_strerror(SIREN_ENOTFOUND) == NULL || siren_strerror(SIREN_ENOTFOUND)[0] == '\0')
    return 13;
  if (!same(siren_strerror(12345), "unknown error")) return 14;
  if (host.version != SIREN_HOST_VERSION || options.version != SIREN_OPTIONS_VERSION ||
      target.version != SIREN_TARGET_VERSION || stage.version != SIREN_STAGE_VERSION ||
      plan.version != SIREN_PLAN_VERSION || params.version != SIREN_ENGAGEMENT_PARAMS_VERSION ||
      page.version != SIREN_PAGE_INFO_VERSION || contact.version != SIREN_CONTACT_INFO_VERSION)
    return 15;
  if (siren_host_init(&zeroed, SIREN_HOST_VERSION) != SIREN_OK ||
      zeroed.version != SIREN_HOST_VERSION || zeroed.clock != NULL || zeroed.notify != NULL)
    return 16;
  if (siren_host_init(&zeroed, 0) != SIREN_EVERSION) return 17;
  return 0;
}
