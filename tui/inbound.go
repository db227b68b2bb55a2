package tui

import (
	"context"

	tea "charm.land/bubbletea/v2"

	"gavel/ircclient"
	"gavel/meeting/live"
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
// then takes the ones already waiting (live.WaitBatch). Update re-arms it
// after each batch (the glow/realtime pattern).
func waitEvents(ch <-chan ircclient.Event) tea.Cmd {
	return func() tea.Msg {
		batch, open := live.WaitBatch(context.Background(), ch, MaxBatch)
		return eventsMsg{events: batch, closed: !open}
	}
}
