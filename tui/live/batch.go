package live

import (
	"context"

	"gavel/ircclient"
)

// MaxBatch bounds the events handled with one journal sync and one redraw.
const MaxBatch = 1024

// WaitBatch blocks for the next IRC event, then takes every event already
// waiting, up to max, so that a burst costs one journal sync and one redraw.
// It returns ok=false when the events channel is closed or ctx is done.
func WaitBatch(ctx context.Context, events <-chan ircclient.Event, max int) (batch []ircclient.Event, ok bool) {
	select {
	case ev, open := <-events:
		if !open {
			return nil, false
		}
		batch = append(batch, ev)
	case <-ctx.Done():
		return nil, false
	}
	for len(batch) < max {
		select {
		case ev, open := <-events:
			if !open {
				return batch, true
			}
			batch = append(batch, ev)
		default:
			return batch, true
		}
	}
	return batch, true
}
