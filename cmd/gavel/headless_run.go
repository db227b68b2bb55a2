package main

import (
	"context"
	"sync"

	"gavel/meeting/live"
	"gavel/tui"
)

// driveHeadless is `gavel --headless`: the live driver on the network, run
// by live.Drive in goroutines, with the reporter as its presenter (stderr);
// no console model, so no scrollback is kept. It returns when ctx is done
// or the network stops.
// start are the updates of the meetings resumed at start-up.
func driveHeadless(ctx context.Context, net *network, r *reporter, start []live.Update) {
	var mu sync.Mutex
	live.Drive(ctx, net.Network, r.Controller, &mu, tui.MaxBatch, start, func(evs []live.Event, ups []live.Update) {
		for _, ev := range evs {
			r.event(ev)
		}
		r.updates(ups)
	})
}
