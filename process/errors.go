package process

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it. The HTTP
// layer maps kinds to status codes and the activities map them to Temporal's
// retryable or non-retryable errors, each in exactly one place.
type Kind uint8

const (
	Internal     Kind = iota // a fault of ours or of a dependency: retry
	Invalid                  // malformed input
	Unauthorized             // no or bad credentials
	Forbidden                // credentials lack the right
	NotFound
	Conflict    // the state forbids it now (window closed, already decided)
	Rule        // a rule of the process refuses it (not accredited, period over)
	TooLarge    // body or attachment over its limit
	RateLimited // too many requests
	Unavailable // a dependency is down for now: retry
	Unsupported // a media type the server does not take
)

var kindNames = [...]string{"internal", "invalid", "unauthorized", "forbidden", "not-found",
	"conflict", "rule", "too-large", "rate-limited", "unavailable", "unsupported-media-type"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is an error with the operation that failed and its kind.
type Error struct {
	Op   string // e.g. "store.SubmitContribution"
	Kind Kind
	Err  error
}

func (e *Error) Error() string {
	if e.Op == "" {
		return e.Err.Error()
	}
	return e.Op + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an *Error. A nil err with a message is allowed through Errorf.
func E(op string, kind Kind, err error) error {
	return &Error{Op: op, Kind: kind, Err: err}
}

// Errorf builds an *Error from a format.
func Errorf(op string, kind Kind, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Err: fmt.Errorf(format, args...)}
}

// KindOf is the kind of the outermost *Error in err's chain whose kind is not
// Internal, or Internal when there is none.
func KindOf(err error) Kind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return Internal
		}
		if e.Kind != Internal {
			return e.Kind
		}
		err = e.Err
	}
	return Internal
}

// Message is the innermost description of err, without operations: what a
// user is shown.
func Message(err error) string {
	var e *Error
	for errors.As(err, &e) {
		err = e.Err
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// ParseKind is the kind named name (as Kind.String writes it).
func ParseKind(name string) (Kind, bool) {
	for k, n := range kindNames {
		if n == name {
			return Kind(k), true
		}
	}
	return Internal, false
}

// FieldError is what is wrong with one field of a request's body, which
// Pointer names (RFC 6901: "/stage/start", "/paragraphs/3"): a client puts
// the message on the field without reading it.
type FieldError struct {
	Pointer string
	Err     error
}

func (e *FieldError) Error() string { return e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// AtField says that err, when not nil, is about the field at pointer; its
// kind and message stay err's.
func AtField(pointer string, err error) error {
	if err == nil {
		return nil
	}
	return &FieldError{Pointer: pointer, Err: err}
}

// Fields are the field errors in err's tree, errors.Join's branches
// included, in order.
func Fields(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *FieldError:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, x := range e.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		}
	}
	walk(err)
	return out
}
