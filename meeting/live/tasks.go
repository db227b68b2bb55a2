package live

import (
	"context"
	"sync"
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

// Drive runs a controller on a network without Bubble Tea, in the calling
// goroutine: it reads the network's events in batches of up to max, feeds
// each batch under mu, runs the batch's tasks (lookups) in goroutines, their
// results under mu too, and hands each batch and its updates to see (under
// mu; nil: nothing to see). It returns when the network stops or ctx is
// done, once the tasks started have finished.
func Drive(ctx context.Context, net Network, c *Controller, mu sync.Locker, max int, see func(evs []Event, ups []Update)) {
	var tasks sync.WaitGroup
	defer tasks.Wait()
	for {
		batch, open := net.Next(ctx, max)
		mu.Lock()
		ups := c.HandleBatch(batch)
		if see != nil {
			see(batch, ups)
		}
		mu.Unlock()
		wg := RunTasks(ctx, ups, func(done func() []Update) {
			mu.Lock()
			defer mu.Unlock()
			ups := done()
			if see != nil {
				see(nil, ups)
			}
		})
		tasks.Go(wg.Wait)
		if !open {
			return
		}
	}
}
