package fetch

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Cache memoises lookups for a TTL and collapses concurrent identical
// lookups into one call (single-flight): a hundred people asking
// ".fas nirik" at once cost one request. Only successes are kept; errors
// are shared with the callers waiting at that moment and then forgotten.
type Cache[V any] struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu       sync.RWMutex
	entries  map[string]cached[V]
	inflight map[string]*call[V]
}

type cached[V any] struct {
	v       V
	expires time.Time
}

type call[V any] struct {
	done chan struct{}
	v    V
	err  error
}

// NewCache returns a cache keeping at most max entries for ttl each
// (max <= 0 means 1024). now may be nil (time.Now).
func NewCache[V any](ttl time.Duration, max int, now func() time.Time) *Cache[V] {
	if max <= 0 {
		max = 1024
	}
	if now == nil {
		now = time.Now
	}
	return &Cache[V]{ttl: ttl, max: max, now: now,
		entries: map[string]cached[V]{}, inflight: map[string]*call[V]{}}
}

// Get returns the cached value for key, or runs load once for all the
// callers asking for key at the same time. load runs with a context that is
// not cancelled when ctx is (other callers may still wait for it), so load
// must bound itself; fetch.Client does. A caller whose ctx ends stops
// waiting and gets ctx's error.
func (c *Cache[V]) Get(ctx context.Context, key string, load func(context.Context) (V, error)) (V, error) {
	if c.ttl > 0 {
		c.mu.RLock()
		e, ok := c.entries[key]
		c.mu.RUnlock()
		if ok && c.now().Before(e.expires) {
			return e.v, nil
		}
	}
	c.mu.Lock()
	if e, ok := c.entries[key]; ok && c.ttl > 0 && c.now().Before(e.expires) {
		c.mu.Unlock()
		return e.v, nil
	}
	cl, ok := c.inflight[key]
	if !ok {
		cl = &call[V]{done: make(chan struct{})}
		c.inflight[key] = cl
		go c.run(context.WithoutCancel(ctx), key, cl, load)
	}
	c.mu.Unlock()
	select {
	case <-cl.done:
		return cl.v, cl.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

func (c *Cache[V]) run(ctx context.Context, key string, cl *call[V], load func(context.Context) (V, error)) {
	defer close(cl.done)
	func() {
		defer func() {
			if p := recover(); p != nil {
				cl.err = fmt.Errorf("lookup %q panicked: %v", key, p)
			}
		}()
		cl.v, cl.err = load(ctx)
	}()
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.inflight, key)
	if cl.err != nil || c.ttl <= 0 {
		return
	}
	now := c.now()
	if len(c.entries) >= c.max {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < c.max {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[key] = cached[V]{v: cl.v, expires: now.Add(c.ttl)}
}

// Len reports the number of cached entries.
func (c *Cache[V]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries)
}
