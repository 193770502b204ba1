// Package errs is the one error type of Hotline: a code that the HTTP layer maps to a
// status, and a message that may be shown to people. Anything else is an internal error,
// logged and never shown.
package errs

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers; the HTTP layer turns it into a status.
type Code string

const (
	Internal     Code = "internal"
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Forbidden    Code = "forbidden"
	Unauthorized Code = "unauthorized"
	TooMany      Code = "too_many_requests"
	TooLarge     Code = "too_large"
	NotAllowed   Code = "method_not_allowed"
)

// Error is an error that is safe to show: Message is written for people.
type Error struct {
	Code    Code
	Message string
	// Fields holds per-field messages for forms (field name -> message).
	Fields map[string]string
	// Key names the message in the console's catalogs ("err." + Key), with Args for its
	// verbs, so the console can show the message in the reader's language.
	Key  string
	Args []any
}

// WithKey sets the catalog key of the message and returns e.
func (e *Error) WithKey(key string, args ...any) *Error {
	e.Key, e.Args = key, args
	return e
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// E returns an *Error with a formatted message.
func E(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Field returns an Invalid error for one form field.
func Field(field, message string) *Error {
	return &Error{Code: Invalid, Message: message, Fields: map[string]string{field: message}}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
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

// As returns the first *Error in err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries code.
func Is(err error, code Code) bool { return CodeOf(err) == code }
