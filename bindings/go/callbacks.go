package siren

// The trampolines C calls: each takes the engine's cgo.Handle as an integer,
// recovers any panic and turns it (or the host's error) into a non-zero
// return, which siren reports as SIREN_ECALLBACK. This file holds only
// exported functions, as cgo requires of a file with //export.

/*
#include <stdint.h>
#include <stdlib.h>
#include <siren/siren.h>
*/
import "C"

import (
	"errors"
	"runtime/cgo"
	"runtime/debug"
	"unsafe"
)

func enter(h C.uintptr_t) *state {
	st := cgo.Handle(h).Value().(*state)
	st.enterCallback()
	return st
}

//export sirenGoClock
func sirenGoClock(now *C.int64_t, h C.uintptr_t) (rc C.int) {
	st := enter(h)
	defer st.leave("Now", &rc)
	*now = C.int64_t(st.host.Now().UnixMilli())
	return 0
}

//export sirenGoNotify
func sirenGoNotify(n *C.siren_notification, h C.uintptr_t) (rc C.int) {
	st := enter(h)
	defer st.leave("Notify", &rc)
	gn := goNotification(n)
	return st.result(st.host.Notify(&gn))
}

//export sirenGoRandom
func sirenGoRandom(buf unsafe.Pointer, n C.size_t, h C.uintptr_t) (rc C.int) {
	st := enter(h)
	defer st.leave("Random", &rc)
	p := make([]byte, int(n))
	if err := st.random.Random(p); err != nil {
		return st.result(err)
	}
	copy(unsafe.Slice((*byte)(buf), int(n)), p)
	return 0
}

//export sirenGoAppend
func sirenGoAppend(rec unsafe.Pointer, n C.size_t, h C.uintptr_t) (rc C.int) {
	st := enter(h)
	defer st.leave("Append", &rc)
	return st.result(st.storage.Append(C.GoBytes(rec, C.int(n))))
}

//export sirenGoLog
func sirenGoLog(level C.int, msg *C.char, h C.uintptr_t) (rc C.int) {
	st := enter(h)
	defer st.leave("Log", &rc)
	st.logger.Log(LogLevel(level), C.GoString(msg))
	return 0
}

//export sirenGoEvent
func sirenGoEvent(ev *C.siren_event, h C.uintptr_t) (rc C.int) {
	st := enter(h)
	defer st.leave("Event", &rc)
	gev := goEvent(ev)
	return st.result(st.events.Event(&gev))
}

//export sirenGoNext
func sirenGoNext(rec *unsafe.Pointer, n *C.size_t, h C.uintptr_t) (rc C.int) {
	st := enter(h)
	defer st.leave("Next", &rc)
	st.freeNext()
	b, err := st.reader.Next()
	if err != nil {
		return st.result(err)
	}
	if b == nil {
		*rec, *n = nil, 0
		return 0
	}
	// C memory that stays valid until the next call, as siren requires.
	st.nextBuf = C.CBytes(b)
	*rec, *n = st.nextBuf, C.size_t(len(b))
	return 0
}

//export sirenGoSeal
func sirenGoSeal(unseal C.int, in unsafe.Pointer, n C.size_t, out unsafe.Pointer, capacity C.size_t,
	outLen *C.size_t, h C.uintptr_t) (rc C.int) {
	name := "Seal"
	if unseal != 0 {
		name = "Unseal"
	}
	st := enter(h)
	defer st.leave(name, &rc)
	var b []byte
	var err error
	if unseal != 0 {
		b, err = st.sealer.Unseal(C.GoBytes(in, C.int(n)))
	} else {
		b, err = st.sealer.Seal(C.GoBytes(in, C.int(n)))
	}
	if err == nil && len(b) > int(capacity) {
		err = errors.New("siren: " + name + " returned more than the room siren gave it")
	}
	if err != nil {
		return st.result(err)
	}
	copy(unsafe.Slice((*byte)(out), int(capacity)), b)
	*outLen = C.size_t(len(b))
	return 0
}

//export sirenGoLoadZone
func sirenGoLoadZone(name *C.char, data *unsafe.Pointer, n *C.size_t, h C.uintptr_t) (rc C.int) {
	st := enter(h)
	defer st.leave("LoadZone", &rc)
	*data, *n = nil, 0
	b, err := st.zones.LoadZone(C.GoString(name))
	if err != nil {
		return st.result(err)
	}
	if b == nil {
		return 0 // the host does not have that zone
	}
	// siren reads the bytes after this returns: a C copy, owned by the
	// engine's state and freed when the Engine call returns (or on Close).
	size := len(b)
	if size == 0 {
		size = 1
	}
	p := C.malloc(C.size_t(size))
	if p == nil {
		return st.result(errors.New("siren: out of C memory for a time zone"))
	}
	st.zoneBufs = append(st.zoneBufs, p)
	copy(unsafe.Slice((*byte)(p), len(b)), b)
	*data, *n = p, C.size_t(len(b))
	return 0
}

// leave ends a callback; as the deferred function itself it can recover.
func (st *state) leave(callback string, rc *C.int) {
	if r := recover(); r != nil {
		st.fail(&PanicError{Value: r, Callback: callback, Stack: debug.Stack()})
		*rc = -1
	}
	st.leaveCallback()
}
