// Package apperr defines the error kinds the backend returns to its two doors
// (Wails bindings and the HTTP API), and the one JSON shape they share.
package apperr

import (
	"errors"
	"net/http"
)

// Code is a stable machine-readable error kind that the frontend can switch on.
type Code string

// The error kinds. Each maps to one HTTP status in Status.
const (
	CodeInvalid        Code = "invalid"
	CodeNotFound       Code = "not_found"
	CodeAlreadyBlocked Code = "already_blocked"
	CodeConflict       Code = "conflict"
	CodeShortens       Code = "shortens"  // a renewal would end a block earlier than it ends now
	CodeProtected      Code = "protected" // the target is on the never-ban list
	CodeUnavailable    Code = "unavailable"
	CodeUnauthorized   Code = "unauthorized"
	CodeForbidden      Code = "forbidden"
	CodeTooLarge       Code = "too_large"
	CodeMisdirected    Code = "misdirected" // a Host name this server does not answer to
	CodeInternal       Code = "internal"
)

// Error is a user-facing error: a kind, a human message, and the input field
// it is about (empty when it concerns no single field).
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Data carries extra context for the UI (for already_blocked: the current
	// ban). Times never appear formatted in Message: it names them as
	// {placeholders} (e.g. {expiresAt}) whose values are in Data (a
	// map[string]any of time.Time, or a struct such as the ban with that
	// field), so each reader sees them in their own zone (the UI: local time
	// with zone; Render: UTC).
	Data any `json:"data,omitempty"`
	// Err is the underlying cause, kept for errors.Is/As and logs; never sent.
	Err error `json:"-"`
}

// Error is the message with its placeholders filled in UTC (see Render).
func (e *Error) Error() string { return Render(e) }

// Unwrap exposes the cause.
func (e *Error) Unwrap() error { return e.Err }

// Invalid returns a validation error about one input field.
func Invalid(field, message string) *Error {
	return &Error{Code: CodeInvalid, Field: field, Message: message}
}

// NotFound returns an error for a missing record.
func NotFound(message string) *Error {
	return &Error{Code: CodeNotFound, Message: message}
}

// Unavailable wraps a storage fault (busy, read-only, disk full) in a message
// a supervisor can act on.
func Unavailable(message string, cause error) *Error {
	return &Error{Code: CodeUnavailable, Message: message, Err: cause}
}

// From converts any error into an *Error. Errors that are not already typed
// become CodeInternal with a generic message, so internals never leak.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: "Internal error: " + err.Error(), Err: err}
}

// Status maps an error kind to its HTTP status code.
func Status(c Code) int {
	switch c {
	case CodeInvalid:
		return http.StatusBadRequest
	case CodeNotFound:
		return http.StatusNotFound
	case CodeAlreadyBlocked, CodeConflict, CodeShortens, CodeProtected:
		return http.StatusConflict
	case CodeUnavailable:
		return http.StatusServiceUnavailable
	case CodeUnauthorized:
		return http.StatusUnauthorized
	case CodeForbidden:
		return http.StatusForbidden
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeMisdirected:
		return http.StatusMisdirectedRequest
	default:
		return http.StatusInternalServerError
	}
}
