// Package siren binds libsiren, an embeddable incident-response scheduler
// with the semantics of AWS Systems Manager Incident Manager: contacts,
// channels, engagement and escalation plans, on-call rotations and
// schedules, pages, response plans, incidents, timelines, heartbeats and
// runbooks.
//
// The C core never reads a clock, opens a file or sends a message: a Go
// program supplies those through the Host interface (and the optional
// Storage, StorageReader, RandomSource, EventHandler, Logger, Sealer and
// ZoneLoader interfaces a Host may also implement; time zones default to
// SystemZones), and asks the Engine when it next needs to run (NextDeadline,
// then Advance).
//
//	eng, err := siren.NewEngine(myHost)
//	defer eng.Close()
//	_, err = eng.LoadConfig(contactsYAML)
//	id, err := eng.StartEngagement(siren.EngagementParams{Contact: "app-escalation-plan", ...})
//	for d, ok := eng.NextDeadline(); ok; d, ok = eng.NextDeadline() {
//		sleepUntil(d) // or wait for a command
//		eng.Advance()
//	}
//
// # Errors
//
// Every failing call returns an *Error carrying the C status code, the
// operation and siren_errmsg(). Compare with the sentinels using errors.Is
// (errors.Is(err, siren.ErrNotFound)). When a host callback returned an error
// or panicked, the call fails with ErrCallback and the *Error wraps what the
// callback returned (or a *PanicError), so errors.Is/As reach it too.
//
// # Concurrency
//
// An Engine is safe for use by several goroutines: each call holds the
// engine's mutex. Host callbacks run on the goroutine of the call that
// triggered them, with that mutex held; a callback must not call its own
// Engine (the call returns ErrBusy, as in C).
//
// # Memory
//
// Go values reach C only as runtime/cgo.Handle integers; every string and
// buffer handed to C is copied into C memory for the duration of the call,
// and everything C returns is copied into Go values before the call returns.
// C never keeps a Go pointer. The time zone bytes a ZoneLoader returns are
// copied into C memory that lives until the Engine call that asked for them
// returns (siren reads them after the callback), or until Close.
//
// # Building
//
// The package uses "#cgo pkg-config: siren". After `meson install` nothing
// more is needed. Against a meson build tree that is not installed, point
// pkg-config at the tree's uninstalled .pc file and give the run-time linker
// the tree's directory:
//
//	PKG_CONFIG_PATH=$BUILD/meson-uninstalled CGO_LDFLAGS="-Wl,-rpath,$BUILD" go test ./...
//
// (meson test does exactly that; $BUILD/meson-private/siren.pc names the
// install prefix, so it does not work uninstalled.)
package siren
