package live

import (
	"context"
	"sync"
	"time"
)

// lookupTask looks up what nick asked in a channel line and answers in
// the channel, through the network's lane for answers (Answer). The lookup
// runs off the controller's goroutine; the answer is sent on it.
func (c *Controller) lookupTask(channel, nick, text string) Task {
	lookups := c.cfg.Lookups
	return func(ctx context.Context) func() []Update {
		ctx, cancel := context.WithTimeout(ctx, LookupTimeout)
		defer cancel()
		key, lines, ok := lookups.ChannelAnswer(ctx, nick, text)
		if !ok {
			return nil
		}
		return func() []Update { return c.Answer(channel, key, nick, lines) }
	}
}

// Finish runs what a task returned (its done function) on the
// controller's goroutine and returns its updates. A presenter that wraps
// the controller (headless mode's reporter) wraps Finish too, so that a
// task's updates are shown like any others.
func (c *Controller) Finish(done func() []Update) []Update {
	if done == nil {
		return nil
	}
	return done()
}

// RunTasks runs the tasks of ups, each in a goroutine, for a driver of the
// controller without Bubble Tea: apply is handed each task's result, and
// must run it under the lock that guards the controller (its updates are
// the driver's to show). The returned WaitGroup is done when every task
// has been applied.
func RunTasks(ctx context.Context, ups []Update, apply func(done func() []Update)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, u := range ups {
		if u.Task == nil {
			continue
		}
		wg.Go(func() {
			if done := u.Task(ctx); done != nil {
				apply(done)
			}
		})
	}
	return &wg
}

// DriveClock is how often Drive runs the controller's clock.
const DriveClock = time.Second

// Drive runs a controller on a network without Bubble Tea (headless mode,
// tests), in the calling goroutine: it reads the network's events in
// batches of up to max and feeds each batch under mu; it runs the tasks
// the updates carry (lookups, the chair's tools' work) in goroutines, what
// they return under mu, and the tasks that brings in turn; every
// DriveClock it runs the controller's clock (journals behind catch up,
// timeboxes run out). Each batch and every update go to see, under mu
// (nil: nothing to see; the batch is nil for updates of a task or of the
// clock). start are updates from before (a Resume's), whose tasks it runs
// first. It returns when the network stops or ctx is done, once the tasks
// started have finished.
func Drive(ctx context.Context, net Network, c *Controller, mu sync.Locker, max int, start []Update, see func(evs []Event, ups []Update)) {
	var tasks sync.WaitGroup
	defer tasks.Wait()
	show := func(evs []Event, ups []Update) {
		if see != nil {
			see(evs, ups)
		}
	}
	var run func(ups []Update)
	run = func(ups []Update) {
		for _, u := range ups {
			if u.Task == nil {
				continue
			}
			tasks.Go(func() {
				done := u.Task(ctx)
				if done == nil {
					return
				}
				mu.Lock()
				ups := c.Finish(done)
				show(nil, ups)
				mu.Unlock()
				run(ups)
			})
		}
	}
	run(start)
	clockCtx, stopClock := context.WithCancel(ctx)
	defer stopClock()
	tasks.Go(func() {
		t := time.NewTicker(DriveClock)
		defer t.Stop()
		for {
			select {
			case now := <-t.C:
				mu.Lock()
				ups := append(c.Retry(), c.Tick(now)...)
				show(nil, ups)
				mu.Unlock()
				run(ups)
			case <-clockCtx.Done():
				return
			}
		}
	})
	for {
		batch, open := net.Next(ctx, max)
		mu.Lock()
		ups := c.HandleBatch(batch)
		show(batch, ups)
		mu.Unlock()
		run(ups)
		if !open {
			stopClock()
			return
		}
	}
}
