package dendritetest

import (
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Clock is an http.RoundTripper (over http.DefaultTransport) that keeps,
// for each request, when it was made and when its answer's body was read
// to the end or closed: how long its client waited on the server.
// Benchmarks use it to tell the server's share of an op from the client's.
type Clock struct {
	mu    sync.Mutex
	spans []span
}

type span struct {
	from, to     time.Time
	method, path string
}

// Client is an HTTP client through c.
func (c *Clock) Client(timeout time.Duration) *http.Client {
	return &http.Client{Transport: c, Timeout: timeout}
}

// RoundTrip implements http.RoundTripper.
func (c *Clock) RoundTrip(r *http.Request) (*http.Response, error) {
	sp := span{from: time.Now(), method: r.Method, path: r.URL.Path}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		c.add(sp)
		return resp, err
	}
	resp.Body = &clockedBody{ReadCloser: resp.Body, done: func() { c.add(sp) }}
	return resp, nil
}

func (c *Clock) add(sp span) {
	sp.to = time.Now()
	c.mu.Lock()
	c.spans = append(c.spans, sp)
	c.mu.Unlock()
}

// Busy is how long, between from and to, at least one request that had
// ended by then (and that match accepts, when not nil) was waiting on the
// server: requests in flight at the same time count once.
func (c *Clock) Busy(from, to time.Time, match func(method, path string) bool) time.Duration {
	c.mu.Lock()
	var spans []span
	for _, sp := range c.spans {
		if !sp.to.After(to) && sp.to.After(from) && (match == nil || match(sp.method, sp.path)) {
			if sp.from.Before(from) {
				sp.from = from
			}
			spans = append(spans, sp)
		}
	}
	c.mu.Unlock()
	slices.SortFunc(spans, func(a, b span) int { return a.from.Compare(b.from) })
	var total time.Duration
	var end time.Time
	for _, sp := range spans {
		if sp.from.Before(end) {
			sp.from = end
		}
		if sp.to.After(sp.from) {
			total += sp.to.Sub(sp.from)
			end = sp.to
		}
	}
	return total
}

// clockedBody calls done once, when it is read to the end or closed.
type clockedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *clockedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *clockedBody) Close() error {
	b.once.Do(b.done)
	return b.ReadCloser.Close()
}
