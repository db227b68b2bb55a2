// Package fetch is the HTTP plumbing shared by gavel's lookup clients (fas,
// pkgs, mirrors): per-call timeouts, one retry with backoff for idempotent
// requests, capped bodies, content-type checks, same-host redirects only, a
// small error taxonomy with one-line messages, and a TTL cache with
// single-flight.
package fetch

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Error kinds. Test them with errors.Is.
var (
	// ErrNotFound: the subject (user, group, package, file) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnauthenticated: the service wants credentials (HTTP 401/403).
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrInvalid: the service rejected the request (HTTP 400 and friends).
	ErrInvalid = errors.New("invalid request")
	// ErrUnavailable: network failure, timeout or a 5xx answer. Only these
	// errors make the router fall back to the offline snapshot.
	ErrUnavailable = errors.New("unavailable")
	// ErrBadResponse: the answer could not be used (malformed JSON, wrong
	// content type, body too large, redirect to another host).
	ErrBadResponse = errors.New("bad response")
)

// Error is a lookup failure with a one-line message meant for people:
// "fas: no user named 'x'", "pkgs: dist-git timed out after 5s".
type Error struct {
	Service string // "fas", "pkgs", "mirrors"
	Kind    error  // one of the Err* kinds above
	Msg     string // the sentence after "service: "
	Err     error  // the underlying cause, if any
}

func (e *Error) Error() string { return e.Service + ": " + e.Msg }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is this error's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

// Errorf builds an *Error of the given kind.
func Errorf(service string, kind error, cause error, msg string) *Error {
	return &Error{Service: service, Kind: kind, Msg: msg, Err: cause}
}

// ValidName reports whether s is a name that can go into a URL path
// unescaped: 1 to max bytes, an ASCII letter or digit first, then letters,
// digits or bytes from extra. The clients check user, group, package and
// repo names with it before building URLs.
func ValidName(s string, max int, extra string) bool {
	if s == "" || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			continue
		}
		if i == 0 || !strings.ContainsRune(extra, rune(c)) {
			return false
		}
	}
	return true
}

// Clip makes a user-supplied name safe to quote in an error message: no
// control characters, and at most max bytes (cut on a UTF-8 boundary) with
// "…" after a cut.
func Clip(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
