package ircclient

import "time"

// bucket is a token bucket: burst tokens, refilled at rate per second.
// The zero rate means unlimited. Not safe for concurrent use.
type bucket struct {
	burst  float64
	rate   float64 // tokens per second; 0 = unlimited
	tokens float64
	last   time.Time
}

func newBucket(burst int, rate float64) *bucket {
	return &bucket{burst: float64(burst), rate: rate, tokens: float64(burst)}
}

// take consumes a token if one is available at now; otherwise it reports how
// long until one is.
func (b *bucket) take(now time.Time) (ok bool, wait time.Duration) {
	if b.rate <= 0 {
		return true, 0
	}
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}
