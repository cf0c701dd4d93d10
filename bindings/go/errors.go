package siren

// #include <siren/siren.h>
import "C"

import (
	"errors"
	"fmt"
)

// Code is a siren status code (SIREN_E*), always negative.
type Code int

// The status codes of siren.h.
const (
	CodeError    Code = C.SIREN_ERROR
	CodeInvalid  Code = C.SIREN_EINVAL
	CodeNotFound Code = C.SIREN_ENOTFOUND
	CodeExists   Code = C.SIREN_EEXISTS
	CodeNoMem    Code = C.SIREN_ENOMEM
	CodeBusy     Code = C.SIREN_EBUSY
	CodeCallback Code = C.SIREN_ECALLBACK
	CodeState    Code = C.SIREN_ESTATE
	CodeDenied   Code = C.SIREN_EDENIED
	CodeCorrupt  Code = C.SIREN_ECORRUPT
	CodeVersion  Code = C.SIREN_EVERSION
	// CodeUnsupported: this build of siren left the feature out (siren_build_features).
	CodeUnsupported Code = C.SIREN_EUNSUPPORTED
)

// String is siren_strerror(code) ("not found").
func (c Code) String() string { return C.GoString(C.siren_strerror(C.int(c))) }

// Error is what every failing Engine call returns.
type Error struct {
	Code     Code
	Op       string   // the Go method ("StartEngagement")
	Message  string   // siren_errmsg() of the engine, "" when it had none
	Problems []string // LoadConfig, LoadRunbook: siren_config_problems(), one per line
	Err      error    // ErrCallback: what the host callback returned, or a *PanicError
}

func (e *Error) Error() string {
	s := "siren: "
	if e.Op != "" {
		s += e.Op + ": "
	}
	s += e.Code.String()
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is reports whether target is the sentinel of e's code (ErrNotFound, ...).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Op == "" && t.Code == e.Code
}

// Unwrap gives the host callback's error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Sentinels for errors.Is.
var (
	ErrInternal    = &Error{Code: CodeError}
	ErrInvalid     = &Error{Code: CodeInvalid}
	ErrNotFound    = &Error{Code: CodeNotFound}
	ErrExists      = &Error{Code: CodeExists}
	ErrNoMem       = &Error{Code: CodeNoMem}
	ErrBusy        = &Error{Code: CodeBusy}
	ErrCallback    = &Error{Code: CodeCallback}
	ErrState       = &Error{Code: CodeState}
	ErrDenied      = &Error{Code: CodeDenied}
	ErrCorrupt     = &Error{Code: CodeCorrupt}
	ErrVersion     = &Error{Code: CodeVersion}
	ErrUnsupported = &Error{Code: CodeUnsupported}
)

// ErrClosed is returned by every call on an Engine after Close.
var ErrClosed = errors.New("siren: engine closed")

// PanicError is the cause of an ErrCallback when a host callback panicked.
type PanicError struct {
	Value    interface{}
	Callback string // "Notify", "Now", ...
	Stack    []byte
}

func (p *PanicError) Error() string {
	return fmt.Sprintf("panic in host %s: %v", p.Callback, p.Value)
}

func newError(op string, rc C.int, msg string) *Error {
	return &Error{Code: Code(rc), Op: op, Message: msg}
}
