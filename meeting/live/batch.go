package live

import (
	"context"

	"gavel/ircclient"
)

// WaitBatch blocks for the next IRC event, then takes every event already
// waiting, up to max, so that a burst costs one journal sync and one
// redraw. open is false once the channel is closed (batch then holds the
// last events, if any) or ctx is done.
func WaitBatch(ctx context.Context, events <-chan ircclient.Event, max int) (batch []ircclient.Event, open bool) {
	select {
	case ev, ok := <-events:
		if !ok {
			return nil, false
		}
		batch = make([]ircclient.Event, 1, min(max, len(events)+1))
		batch[0] = ev
	case <-ctx.Done():
		return nil, false
	}
	for len(batch) < max {
		select {
		case ev, ok := <-events:
			if !ok {
				return batch, false
			}
			batch = append(batch, ev)
		default:
			return batch, true
		}
	}
	return batch, true
}
