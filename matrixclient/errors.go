package matrixclient

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"strconv"
	"time"

	"maunium.net/go/mautrix"
)

var (
	// ErrAlreadyRunning is returned by Run when called twice.
	ErrAlreadyRunning = errors.New("matrix: Run already called")
	// ErrEncrypted wraps the refusal of an end-to-end encrypted room.
	ErrEncrypted = errors.New("end-to-end encrypted rooms are not supported")
	// ErrNotRunning is returned by the senders before Run has logged in.
	ErrNotRunning = errors.New("matrix: not connected")
	// ErrUnknownRoom is returned by the senders for a room the client is not in.
	ErrUnknownRoom = errors.New("matrix: not in that room")
)

// permanentError marks a refusal that retrying cannot change (a wrong
// password, an unknown room, a URL that is no homeserver).
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

func permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err is a refusal that retrying cannot change.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// errCode is the Matrix errcode of a homeserver's error reply ("" if none)
// and its HTTP status (0 without a reply).
func errCode(err error) (string, int) {
	var he mautrix.HTTPError
	if !errors.As(err, &he) {
		return "", 0
	}
	status := 0
	if he.Response != nil {
		status = he.Response.StatusCode
	}
	if he.RespError != nil {
		return he.RespError.ErrCode, status
	}
	return "", status
}

// retryAfter is the wait a 429 reply asks for: retry_after_ms of the
// M_LIMIT_EXCEEDED body, else the Retry-After header (seconds); ok is false
// for any other error.
func retryAfter(err error) (time.Duration, bool) {
	var he mautrix.HTTPError
	if !errors.As(err, &he) || he.Response == nil || he.Response.StatusCode != 429 {
		return 0, false
	}
	if he.RespError != nil {
		switch v := he.RespError.ExtraData["retry_after_ms"].(type) {
		case float64:
			if v >= 0 && v < float64(24*time.Hour/time.Millisecond) {
				return time.Duration(v) * time.Millisecond, true
			}
		}
	}
	if s, err := strconv.Atoi(he.Response.Header.Get("Retry-After")); err == nil && s >= 0 && s < 86400 {
		return time.Duration(s) * time.Second, true
	}
	return 0, true
}

// transient reports whether a request may succeed when tried again: no
// reply at all (network), 5xx, 408, 429.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	code, status := errCode(err)
	if status == 0 {
		var ne net.Error
		var he mautrix.HTTPError
		return errors.As(err, &ne) || errors.As(err, &he) || errors.Is(err, context.DeadlineExceeded)
	}
	_ = code
	return status >= 500 || status == 408 || status == 429
}

// backoff is capped exponential backoff with jitter.
type backoff struct {
	min, max time.Duration
	attempt  int
}

// next is the wait before the next attempt; a 429's asked-for wait, when
// longer, wins.
func (b *backoff) next(asked time.Duration) time.Duration {
	d := b.min << min(b.attempt, 16)
	if d > b.max || d <= 0 {
		d = b.max
	}
	b.attempt++
	// jitter: 75-100 %
	d = d*3/4 + time.Duration(rand.Int64N(int64(d/4)+1))
	return max(d, asked)
}

func (b *backoff) reset() { b.attempt = 0 }

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
