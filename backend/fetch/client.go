package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// Defaults used when Options leaves a field zero.
const (
	DefaultTimeout = 5 * time.Second
	DefaultMaxBody = 4 << 20
	DefaultBackoff = 150 * time.Millisecond
)

// Options configure a Client.
type Options struct {
	// Service names the client in error messages: "fas", "pkgs", "mirrors".
	Service string
	// Timeout bounds every attempt (default DefaultTimeout).
	Timeout time.Duration
	// MaxBody caps response bodies (default DefaultMaxBody).
	MaxBody int64
	// Backoff is the pause before the single retry (default DefaultBackoff).
	Backoff time.Duration
	// Transport carries the requests; nil means a clone of
	// http.DefaultTransport. The offline snapshot plugs in here.
	Transport http.RoundTripper
	// Logger receives debug lines about retries and failures; nil discards.
	Logger *slog.Logger
}

// Client performs capped, timed, retried HTTP requests.
type Client struct {
	opts Options
	hc   *http.Client
}

// New returns a Client. Redirects are followed only within the same host.
func New(o Options) *Client {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Backoff <= 0 {
		o.Backoff = DefaultBackoff
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	hc := &http.Client{
		Transport: o.Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return &redirectError{from: via[0].URL, to: req.URL, msg: "too many redirects"}
			}
			if req.URL.Host != via[0].URL.Host || req.URL.Scheme != via[0].URL.Scheme && req.URL.Scheme != "https" {
				return &redirectError{from: via[0].URL, to: req.URL, msg: "refused redirect to another host"}
			}
			return nil
		},
	}
	return &Client{opts: o, hc: hc}
}

// Timeout is the per-attempt timeout in use.
func (c *Client) Timeout() time.Duration { return c.opts.Timeout }

// Service is the service name used in error messages.
func (c *Client) Service() string { return c.opts.Service }

type redirectError struct {
	from, to *url.URL
	msg      string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("%s (%s -> %s)", e.msg, e.from.Host, e.to.Host)
}

// Request describes one call.
type Request struct {
	Method string // default GET
	URL    string
	Header http.Header
	Body   []byte
	// What names the remote in messages ("dist-git", "FASJSON").
	What string
	// Accept lists the media types acceptable in a 2xx answer; empty
	// accepts anything.
	Accept []string
	// Idempotent marks a non-GET request as safe to retry.
	Idempotent bool
	// AuthHint is appended to 401/403 messages to name the cause.
	AuthHint string
}

// Response is a fully read, capped answer with a status below 500.
type Response struct {
	Status      int
	ContentType string // media type without parameters
	Header      http.Header
	Body        []byte
}

// Do runs the request. Statuses 401 and 403 become ErrUnauthenticated,
// 5xx, timeouts and network failures become ErrUnavailable (after one retry
// when the request is idempotent); every other status is returned for the
// caller to interpret.
func (c *Client) Do(ctx context.Context, r Request) (*Response, error) {
	if r.Method == "" {
		r.Method = http.MethodGet
	}
	if r.What == "" {
		r.What = c.opts.Service
	}
	retry := r.Idempotent || r.Method == http.MethodGet || r.Method == http.MethodHead
	var lastErr error
	for attempt := 0; attempt < 2; attempt++ {
		if attempt > 0 {
			c.opts.Logger.Debug("retrying", "service", c.opts.Service, "url", r.URL, "err", lastErr)
			t := time.NewTimer(c.opts.Backoff)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, c.ctxErr(ctx, r)
			case <-t.C:
			}
		}
		resp, err := c.once(ctx, r)
		if err == nil {
			return resp, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			return nil, c.ctxErr(ctx, r)
		}
		if !retry || !errors.Is(err, ErrUnavailable) {
			break
		}
	}
	c.opts.Logger.Debug("request failed", "service", c.opts.Service, "url", r.URL, "err", lastErr)
	return nil, lastErr
}

func (c *Client) ctxErr(ctx context.Context, r Request) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return Errorf(c.opts.Service, ErrUnavailable, ctx.Err(), r.What+" did not answer before the deadline")
	}
	return Errorf(c.opts.Service, ErrUnavailable, ctx.Err(), "lookup cancelled")
}

func (c *Client) once(ctx context.Context, r Request) (*Response, error) {
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(actx, r.Method, r.URL, body)
	if err != nil {
		return nil, Errorf(c.opts.Service, ErrInvalid, err, "bad URL "+quote(r.URL))
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "gavel")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.transportErr(ctx, actx, r, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	if err != nil {
		return nil, c.transportErr(ctx, actx, r, err)
	}
	if int64(len(data)) > c.opts.MaxBody {
		return nil, Errorf(c.opts.Service, ErrBadResponse, nil,
			fmt.Sprintf("%s sent more than %d bytes; refused", r.What, c.opts.MaxBody))
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	out := &Response{Status: resp.StatusCode, ContentType: mt, Header: resp.Header, Body: data}
	switch {
	case resp.StatusCode >= 500:
		return nil, Errorf(c.opts.Service, ErrUnavailable, nil,
			fmt.Sprintf("%s answered %d %s", r.What, resp.StatusCode, http.StatusText(resp.StatusCode)))
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		msg := fmt.Sprintf("%s answered %d %s", r.What, resp.StatusCode, http.StatusText(resp.StatusCode))
		if m := ServerMessage(data); m != "" {
			msg += " (" + m + ")"
		}
		if r.AuthHint != "" {
			msg += ": " + r.AuthHint
		}
		return nil, Errorf(c.opts.Service, ErrUnauthenticated, nil, msg)
	case resp.StatusCode >= 200 && resp.StatusCode < 300 && len(r.Accept) > 0:
		ok := false
		for _, a := range r.Accept {
			if strings.EqualFold(mt, a) {
				ok = true
				break
			}
		}
		if !ok {
			got := mt
			if got == "" {
				got = "none"
			}
			return nil, Errorf(c.opts.Service, ErrBadResponse, nil,
				fmt.Sprintf("%s sent content type %s, want %s", r.What, got, strings.Join(r.Accept, " or ")))
		}
	}
	return out, nil
}

func (c *Client) transportErr(ctx, actx context.Context, r Request, err error) error {
	var re *redirectError
	if errors.As(err, &re) {
		return Errorf(c.opts.Service, ErrBadResponse, err, r.What+": "+re.Error())
	}
	if ctx.Err() == nil && (errors.Is(actx.Err(), context.DeadlineExceeded) || isTimeout(err)) {
		return Errorf(c.opts.Service, ErrUnavailable, err,
			fmt.Sprintf("%s timed out after %s", r.What, c.opts.Timeout))
	}
	return Errorf(c.opts.Service, ErrUnavailable, err, r.What+" did not answer: "+shortNetErr(err))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func shortNetErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Op + ": " + oe.Err.Error()
	}
	return err.Error()
}

// ServerMessage extracts a human message from a JSON error body
// ({"message": ...} or {"error": ...}), or "" when there is none.
func ServerMessage(body []byte) string {
	var m struct {
		Message any `json:"message"`
		Error   any `json:"error"`
	}
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	for _, v := range []any{m.Message, m.Error} {
		switch s := v.(type) {
		case string:
			return oneLine(s)
		case []any:
			if len(s) > 0 {
				if t, ok := s[0].(string); ok {
					return oneLine(t)
				}
			}
		}
	}
	return ""
}

// DecodeJSON unmarshals body into v, turning failures into a one-line
// ErrBadResponse.
func DecodeJSON(service, what string, body []byte, v any) error {
	if err := json.Unmarshal(body, v); err != nil {
		return Errorf(service, ErrBadResponse, err, what+" sent malformed JSON: "+oneLine(err.Error()))
	}
	return nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		cut := 200
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func quote(s string) string { return "'" + oneLine(s) + "'" }
