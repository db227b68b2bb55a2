package bus

import (
	"time"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// urlPrefix is the archive's public URL in the tests.
const urlPrefix = "https://meetbot.test/"

// driver runs a meeting through the real engine and publishes it into a
// real archive, the way meeting/live does, calling the bus where live
// calls it: after #startmeeting, and after the minutes of #endmeeting are
// written.
type driver struct {
	t       fataler
	channel string
	eng     *meeting.Engine
	arch    *publish.Archive
	sess    *publish.Session
	at      time.Time
	bus     announcer
	files   []publish.File
}

// announcer is what meeting/live calls (live.Bus).
type announcer interface {
	MeetingStarted(string, *meeting.Meeting) error
	MeetingCompleted(string, *meeting.Meeting, []publish.File) error
}

// fataler is the part of testing.TB the driver uses (a child process
// has its own).
type fataler interface {
	Helper()
	Fatal(args ...any)
}

func newDriver(t fataler, root, channel string, start time.Time, bus announcer) *driver {
	return &driver{t: t, channel: channel, at: start, bus: bus,
		eng:  meeting.NewEngine(meeting.Options{Channel: channel, URLPrefix: urlPrefix}),
		arch: publish.New(root, meeting.StyleDefault, urlPrefix)}
}

// say feeds one line a second after the last and carries out its effects.
func (d *driver) say(nick, text string) {
	d.t.Helper()
	d.at = d.at.Add(time.Second)
	was := d.eng.Active()
	effects := d.eng.Handle(meeting.Message{Time: d.at, Nick: nick, Text: text})
	for _, eff := range effects {
		switch eff.Kind {
		case meeting.EffectLog:
			if d.sess == nil {
				s, err := d.arch.Open(d.eng.Meeting())
				if err != nil {
					d.t.Fatal(err)
				}
				d.sess = s
			}
			if err := d.sess.Log(eff.Line); err != nil {
				d.t.Fatal(err)
			}
		case meeting.EffectEnd:
			files, err := d.sess.Finish(d.eng.Meeting())
			if err != nil {
				d.t.Fatal(err)
			}
			d.sess.Close()
			d.sess, d.files = nil, files
			if err := d.bus.MeetingCompleted(d.channel, d.eng.Meeting(), files); err != nil {
				d.t.Fatal(err)
			}
		}
	}
	if !was && d.eng.Active() {
		if err := d.bus.MeetingStarted(d.channel, d.eng.Meeting()); err != nil {
			d.t.Fatal(err)
		}
	}
}

// standardMeeting is a short meeting with chairs, items and attendees.
func (d *driver) standardMeeting() {
	d.say("alice", "#startmeeting Bus Check")
	d.say("alice", "#chair bob")
	d.say("bob", "hello")
	d.say("carol", "hi all")
	d.say("alice", "#topic outbox")
	d.say("bob", "#info the outbox is durable")
	d.say("carol", "#action carol to test it")
	d.say("bob", "#endmeeting")
}

// recorder is a bus that keeps what it is handed (for the unit tests).
type recorder struct {
	started   []Message
	completed []Message
	now       time.Time
}

func (r *recorder) MeetingStarted(ch string, m *meeting.Meeting) error {
	msg, err := StartMessage(ch, m, r.now)
	r.started = append(r.started, msg)
	return err
}

func (r *recorder) MeetingCompleted(ch string, m *meeting.Meeting, files []publish.File) error {
	msg, err := CompleteMessage(ch, m, files, r.now)
	r.completed = append(r.completed, msg)
	return err
}
