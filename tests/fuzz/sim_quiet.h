/*
 * Force-included (-include) into siren-sim's sources for fuzz_sim: their
 * diagnostics go to a sink instead of stderr, so a fuzz run is not slowed
 * down by one error line per input. fz_sim_sink() is defined in fuzz_sim.c.
 */
#ifndef SIREN_FUZZ_SIM_QUIET_H
#define SIREN_FUZZ_SIM_QUIET_H
#include <stdio.h>
FILE *fz_sim_sink(void);
#undef stderr
#define stderr (fz_sim_sink())
#endif
