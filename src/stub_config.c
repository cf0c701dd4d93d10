/*
 * Configuration import left out of this build (meson -Dconfig_import=false):
 * config.c is replaced by this file, so the exports stay those of the full
 * library. siren_config_load() reads nothing and returns SIREN_EUNSUPPORTED;
 * siren_build_features() says so up front.
 */
#include "internal.h"

SIREN_EXTERN const char *siren_config_problems(const siren_engine *e) {
  return e && e->problems ? e->problems : "";
}

SIREN_EXTERN int siren_config_load(siren_config_result *result, siren_engine *e, const char *text,
                                   size_t length) {
  if (!e || (!text && length)) return SIREN_EINVAL;
  if (result && (result->version == 0 || result->version > SIREN_CONFIG_RESULT_VERSION))
    return SIREN_EVERSION;
  int rc = sr_query(e);
  if (rc) return rc;
  e->problems_len = 0;
  if (e->problems) e->problems[0] = '\0';
  if (result) (void)siren_config_result_init(result, result->version);
  return sr_err(e, SIREN_EUNSUPPORTED, "siren was built without configuration import");
}
