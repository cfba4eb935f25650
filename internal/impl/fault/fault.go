// Package fault is Lightwatch's one error type: an error with a code that
// says what kind of failure it is (invalid input, not found, unavailable, and
// so on), whatever package it comes from and whatever transport carries it.
// The core and the stores return it; package problem's one table turns a
// code into an HTTP status, for every handler and the WebSocket handshake.
// The design is WTF Dial's error.go: codes, not per-package sentinels.
package fault

import (
	"errors"
	"fmt"
	"time"
)

// Code is the kind of a failure.
type Code string

// The codes. Each has one HTTP status (package problem).
const (
	Invalid      Code = "invalid"      // the caller's input is wrong; Field names what
	Unauthorized Code = "unauthorized" // no valid credentials
	Forbidden    Code = "forbidden"    // valid credentials, not allowed
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"    // it already exists
	TooLarge     Code = "too_large"   // a body over its limit
	Unsupported  Code = "unsupported" // a media type the operation does not take
	RateLimited  Code = "rate_limited"
	Unavailable  Code = "unavailable" // a dependency cannot answer now; retry
	Internal     Code = "internal"    // a bug, or an error without a code
)

// Error is a failure with a code. Message is for the caller, so it says
// what to change; Err, when set, is the cause, for logs.
type Error struct {
	Code    Code
	Message string
	// Field names the input that is wrong, for Invalid: "query.service",
	// "body.window".
	Field string
	// RetryAfter, for Unavailable and RateLimited, is when to retry.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an error of the code with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// InvalidField is an Invalid error naming the field.
func InvalidField(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain: "" for nil,
// Internal when there is none.
func CodeOf(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}
