package siren

/*
#cgo pkg-config: siren
#include <stdint.h>
#include <stdlib.h>
#include <siren/siren.h>

// The Go trampolines (callbacks.go). They take the cgo.Handle as an integer.
extern int sirenGoClock(int64_t *now, uintptr_t h);
extern int sirenGoNotify(siren_notification *n, uintptr_t h);
extern int sirenGoRandom(void *buf, size_t len, uintptr_t h);
extern int sirenGoAppend(void *rec, size_t len, uintptr_t h);
extern int sirenGoLog(int level, char *msg, uintptr_t h);
extern int sirenGoEvent(siren_event *ev, uintptr_t h);
extern int sirenGoNext(void **rec, size_t *len, uintptr_t h);
extern int sirenGoSeal(int unseal, void *in, size_t len, void *out, size_t cap, size_t *out_len, uintptr_t h);
extern int sirenGoLoadZone(char *name, void **data, size_t *len, uintptr_t h);

static int go_clock(int64_t *now, void *ud) { return sirenGoClock(now, (uintptr_t)ud); }
static int go_notify(const siren_notification *n, void *ud) {
  return sirenGoNotify((siren_notification *)n, (uintptr_t)ud);
}
static int go_random(void *buf, size_t len, void *ud) { return sirenGoRandom(buf, len, (uintptr_t)ud); }
static int go_append(const void *rec, size_t len, void *ud) {
  return sirenGoAppend((void *)rec, len, (uintptr_t)ud);
}
static int go_log(int level, const char *msg, void *ud) { return sirenGoLog(level, (char *)msg, (uintptr_t)ud); }
static int go_event(const siren_event *ev, void *ud) { return sirenGoEvent((siren_event *)ev, (uintptr_t)ud); }
static int go_next(const void **rec, size_t *len, void *ud) {
  return sirenGoNext((void **)rec, len, (uintptr_t)ud);
}
static int go_seal(const void *in, size_t len, void *out, size_t cap, size_t *out_len, void *ud) {
  return sirenGoSeal(0, (void *)in, len, out, cap, out_len, (uintptr_t)ud);
}
static int go_unseal(const void *in, size_t len, void *out, size_t cap, size_t *out_len, void *ud) {
  return sirenGoSeal(1, (void *)in, len, out, cap, out_len, (uintptr_t)ud);
}

static int go_load_zone(const char *name, const void **data, size_t *len, void *ud) {
  return sirenGoLoadZone((char *)name, (void **)data, len, (uintptr_t)ud);
}

enum { GO_RANDOM = 1, GO_APPEND = 2, GO_LOG = 4, GO_EVENT = 8, GO_NEXT = 16, GO_SEAL = 32,
       GO_ZONE = 64 };

// Fills a host table of this library's version with the trampolines the
// Go host asked for.
int siren_go_host(siren_host *h, int which) {
  int rc = siren_host_init(h, SIREN_HOST_VERSION);
  if (rc != SIREN_OK) return rc;
  h->clock = go_clock;
  h->notify = go_notify;
  if (which & GO_RANDOM) h->random = go_random;
  if (which & GO_APPEND) h->storage_append = go_append;
  if (which & GO_LOG) h->log = go_log;
  if (which & GO_EVENT) h->event = go_event;
  if (which & GO_NEXT) h->storage_next = go_next;
  if (which & GO_SEAL) { h->seal = go_seal; h->unseal = go_unseal; }
  if (which & GO_ZONE) h->load_zone = go_load_zone;
  return SIREN_OK;
}

int siren_go_new(siren_engine **out, const siren_host *h, const siren_options *o, uintptr_t ud) {
  return siren_engine_new(out, h, o, (void *)ud);
}
int siren_go_open(siren_engine **out, const siren_host *h, const siren_options *o, uintptr_t ud,
                         siren_open_report *r) {
  return siren_engine_open(out, h, o, (void *)ud, r);
}
*/
import "C"

import (
	"time"
	"unsafe"
)

// ID identifies an engagement, a page, an incident, a timeline event, an
// execution or an analysis. Ids start at 1; 0 means none.
type ID uint64

// arena holds the C memory of one call's arguments; free releases it.
type arena struct{ ptrs []unsafe.Pointer }

func (a *arena) calloc(n int, size uintptr) unsafe.Pointer {
	if n == 0 {
		n = 1
	}
	p := C.calloc(C.size_t(n), C.size_t(size))
	if p == nil {
		panic("siren: out of C memory")
	}
	a.ptrs = append(a.ptrs, p)
	return p
}

// str copies s into C memory.
func (a *arena) str(s string) *C.char {
	p := C.CString(s)
	a.ptrs = append(a.ptrs, unsafe.Pointer(p))
	return p
}

// opt copies s into C memory, or gives NULL for "".
func (a *arena) opt(s string) *C.char {
	if s == "" {
		return nil
	}
	return a.str(s)
}

// strs copies ss into a C array of C strings.
func (a *arena) strs(ss []string) (**C.char, C.size_t) {
	if len(ss) == 0 {
		return nil, 0
	}
	p := (**C.char)(a.calloc(len(ss), unsafe.Sizeof((*C.char)(nil))))
	s := unsafe.Slice(p, len(ss))
	for i, v := range ss {
		s[i] = a.str(v)
	}
	return p, C.size_t(len(ss))
}

func (a *arena) bytes(b []byte) (*C.char, C.size_t) {
	p := (*C.char)(a.calloc(len(b)+1, 1))
	copy(unsafe.Slice((*byte)(unsafe.Pointer(p)), len(b)), b)
	return p, C.size_t(len(b))
}

func (a *arena) free() {
	for _, p := range a.ptrs {
		C.free(p)
	}
	a.ptrs = nil
}

// goStrs copies a C array of n C strings.
func goStrs(p **C.char, n C.size_t) []string {
	if p == nil || n == 0 {
		return nil
	}
	out := make([]string, int(n))
	for i, s := range unsafe.Slice(p, int(n)) {
		out[i] = C.GoString(s)
	}
	return out
}

// ms converts a time to siren's milliseconds; the zero time is 0.
func ms(t time.Time) C.int64_t {
	if t.IsZero() {
		return 0
	}
	return C.int64_t(t.UnixMilli())
}

// goTime converts siren's milliseconds to a UTC time; 0 is the zero time.
func goTime(v C.int64_t) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(int64(v)).UTC()
}

// Version is the version of the libsiren actually linked ("0.1.0").
func Version() string { return C.GoString(C.siren_version()) }

// VersionNumber is the linked library's MAJOR*10000+MINOR*100+PATCH.
func VersionNumber() int { return int(C.siren_version_number()) }

// Optional features of a libsiren build (BuildFeatures); what a build leaves
// out returns ErrUnsupported.
const (
	FeatureConfigImport uint = C.SIREN_FEATURE_CONFIG_IMPORT // LoadConfig
	FeatureRunbooks     uint = C.SIREN_FEATURE_RUNBOOKS      // runbooks and executions
)

// BuildFeatures is siren_build_features(): the Feature* bits the linked
// libsiren has.
func BuildFeatures() uint { return uint(C.siren_build_features()) }

// BindingVersionNumber is the SIREN_VERSION_NUMBER of the header this
// package was built with.
const BindingVersionNumber = C.SIREN_VERSION_NUMBER

// CheckRecord checks one stored record (length, version, checksum) and
// returns its type. Errors: ErrCorrupt, ErrVersion.
func CheckRecord(record []byte) (uint, error) {
	var a arena
	defer a.free()
	p, n := a.bytes(record)
	var typ C.uint
	if rc := C.siren_record_check(unsafe.Pointer(p), n, &typ); rc != 0 {
		return 0, newError("CheckRecord", rc, "")
	}
	return uint(typ), nil
}

// RecordSnapshot is the record type of a snapshot (Engine.Snapshot).
const RecordSnapshot = C.SIREN_RECORD_SNAPSHOT
