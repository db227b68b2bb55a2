package chair

import (
	"fmt"
	"strings"
	"time"
)

// Level is how a topic stands against its timebox.
type Level int

// The levels. Only topics with a timebox reach Warning and Over.
const (
	InTime  Level = iota
	Warning       // 80% of the box used
	Over          // the box is used up
)

func (l Level) String() string {
	switch l {
	case Warning:
		return "warning"
	case Over:
		return "over"
	}
	return "in time"
}

// Clock is the status bar's view of the current topic.
type Clock struct {
	Topic   string
	Elapsed time.Duration
	Box     time.Duration // 0: no timebox
	Level   Level
	// Text is "7:12/10:00" (elapsed/box), "7:12" without a box;
	// "1:02:03" past an hour.
	Text string
}

// Timer times the current topic from the moment its #topic line was seen
// in the channel. The zero value times nothing.
type Timer struct {
	topic    string
	start    time.Time
	box      time.Duration
	running  bool
	notified bool // the channel notice was said (or heard)
	reported bool // Overdue said so
}

// Start times topic from at against box (0: no timebox), replacing the
// topic timed before.
func (t *Timer) Start(topic string, box time.Duration, at time.Time) {
	*t = Timer{topic: topic, start: at, box: max(box, 0), running: true}
}

// SetBox gives the topic timed a new timebox (0: none), its clock
// running on from the topic's start.
func (t *Timer) SetBox(box time.Duration) {
	if t.running {
		t.box, t.notified, t.reported = max(box, 0), false, false
	}
}

// Topic is the topic timed ("" when none).
func (t *Timer) Topic() string { return t.topic }

// Overdue reports, once per topic and timebox, that the timebox has run
// out at now.
func (t *Timer) Overdue(now time.Time) bool {
	c, running := t.Clock(now)
	if !running || c.Level != Over || t.reported {
		return false
	}
	t.reported = true
	return true
}

// Heard tells the timer a line said in the channel: the timebox notice
// said before (and journalled) is not said again.
func (t *Timer) Heard(text string) {
	if t.running && t.box > 0 && !t.notified && strings.TrimSpace(text) == t.notice() {
		t.notified = true
	}
}

func (t *Timer) notice() string {
	return line("", fmt.Sprintf("Time is up for this topic (%s timebox): %s", Duration(t.box), t.topic))
}

// Stop ends timing (#endmeeting).
func (t *Timer) Stop() { t.running = false }

// Running reports whether a topic is being timed.
func (t *Timer) Running() bool { return t.running }

// Clock returns the current topic's clock at now; ok is false when no
// topic is timed.
func (t *Timer) Clock(now time.Time) (c Clock, ok bool) {
	if !t.running {
		return Clock{}, false
	}
	el := max(now.Sub(t.start), 0)
	c = Clock{Topic: t.topic, Elapsed: el, Box: t.box, Text: Duration(el)}
	if t.box > 0 {
		c.Text += "/" + Duration(t.box)
		switch {
		case el >= t.box:
			c.Level = Over
		case el*5 >= t.box*4:
			c.Level = Warning
		}
	}
	return c, true
}

// Expired returns, once per topic, the notice to say in the channel when
// the topic's timebox has run out at now. The console says it only when
// the chair turned the notice on (it is off by default).
func (t *Timer) Expired(now time.Time) (notice string, ok bool) {
	c, running := t.Clock(now)
	if !running || c.Level != Over || t.notified {
		return "", false
	}
	t.notified = true
	return t.notice(), true
}

// Duration writes d as a clock: "m:ss", or "h:mm:ss" from an hour on,
// rounded down to the second.
func Duration(d time.Duration) string {
	s := int64(max(d, 0) / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}
