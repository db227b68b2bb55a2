package ircclient

import (
	"math/rand/v2"
	"time"
)

// backoff is the delay before reconnect attempt n (0-based): min·2ⁿ capped at
// max, then scaled by a random factor in [1-jitter, 1+jitter] and capped at
// max again.
func backoff(n int, minD, maxD time.Duration, jitter float64, rnd func() float64) time.Duration {
	d := minD
	for i := 0; i < n && d < maxD; i++ {
		d *= 2
	}
	d = min(d, maxD)
	if jitter > 0 {
		if rnd == nil {
			rnd = rand.Float64
		}
		d = time.Duration(float64(d) * (1 - jitter + 2*jitter*rnd()))
	}
	return max(0, min(d, maxD))
}
