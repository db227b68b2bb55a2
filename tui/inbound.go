package tui

import (
	tea "charm.land/bubbletea/v2"

	"gavel/ircclient"
)

// MaxBatch bounds the IRC events handled in one Update. A burst of 10,000
// lines becomes about 40 updates, each followed by a frame, instead of
// 10,000 frames or one update that blocks the screen for the whole burst.
const MaxBatch = 256

// eventsMsg is a burst of IRC events; closed says the channel was closed.
type eventsMsg struct {
	events []ircclient.Event
	closed bool
}

// waitEvents is the Cmd that reads the connection: it blocks for one event,
// then takes the ones already waiting (drain). Update re-arms it after each
// batch (the glow/realtime pattern).
func waitEvents(ch <-chan ircclient.Event) tea.Cmd {
	return func() tea.Msg {
		ev, ok := <-ch
		if !ok {
			return eventsMsg{closed: true}
		}
		batch, open := drain(ch, ev, MaxBatch)
		return eventsMsg{events: batch, closed: !open}
	}
}

// drain returns first plus every event already waiting on ch, at most max
// in all, without blocking. open is false when the channel was found closed.
func drain(ch <-chan ircclient.Event, first ircclient.Event, max int) (batch []ircclient.Event, open bool) {
	batch = make([]ircclient.Event, 1, min(max, len(ch)+1))
	batch[0] = first
	for len(batch) < max {
		select {
		case ev, ok := <-ch:
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
