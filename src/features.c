/*
 * siren_build_features(): which optional features this build has. The
 * SIREN_OMIT_* defines come from meson (options config_import and runbooks)
 * and are read here only; a left-out feature is replaced by its stub_*.c.
 */
#include <siren/siren.h>

SIREN_EXTERN unsigned int siren_build_features(void) {
  unsigned int f = 0;
#ifndef SIREN_OMIT_CONFIG_IMPORT
  f |= SIREN_FEATURE_CONFIG_IMPORT;
#endif
#ifndef SIREN_OMIT_RUNBOOKS
  f |= SIREN_FEATURE_RUNBOOKS;
#endif
  return f;
}
