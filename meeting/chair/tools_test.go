package chair

import (
	"slices"
	"testing"
	"time"

	"gavel/meeting"
)

// journalled is what the live driver journals for the tools: the
// channel's events and the notes of the chair's commands, in order.
type journalled struct {
	e      *meeting.Engine
	tl     *Tools
	events []meeting.Event
}

func (j *journalled) line(sec int, nick, text string) Out {
	ev := meeting.Message{Time: t0.Add(time.Duration(sec) * time.Second), Nick: nick, Text: text}
	j.e.Handle(ev)
	j.events = append(j.events, ev)
	return j.tl.Saw(ev, j.e)
}

func (j *journalled) command(t *testing.T, sec int, name, arg string) Out {
	t.Helper()
	out, n, err := j.tl.Command(name, arg, j.e, t0.Add(time.Duration(sec)*time.Second))
	if err != nil {
		t.Fatalf("/%s %s: %v", name, arg, err)
	}
	if n != nil {
		ev, err := n.Event(t0)
		if err != nil {
			t.Fatal(err)
		}
		j.events = append(j.events, ev)
	}
	return out
}

// resumed is a new engine and new tools fed the journal, as after a kill.
func (j *journalled) resumed(t *testing.T) *journalled {
	t.Helper()
	r := &journalled{e: meeting.NewEngine(meeting.Options{Channel: "#meet"}), tl: New(nil, "#meet", nil)}
	for _, ev := range j.events {
		r.e.Handle(ev)
		if n, ok := ev.(meeting.Note); ok {
			if err := r.tl.Replay(n, r.e); err != nil {
				t.Fatal(err)
			}
			continue
		}
		r.tl.Saw(ev, r.e)
	}
	r.events = slices.Clone(j.events)
	return r
}

func reportsOf(out Out, kind ReportKind) []string {
	var s []string
	for _, r := range out.Reports {
		if r.Kind == kind {
			s = append(s, r.Text)
		}
	}
	return s
}

// TestTimeboxOverOnceAndNoticeNeverTwice: a topic's timebox running out is
// reported once; the channel notice, when on, is said once, and not again
// by tools rebuilt from the journal that heard it.
func TestTimeboxOverOnceAndNoticeNeverTwice(t *testing.T) {
	j := &journalled{e: meeting.NewEngine(meeting.Options{Channel: "#meet"}), tl: New(nil, "#meet", nil)}
	j.line(0, "chair", "#startmeeting Boxes")
	j.command(t, 1, "agenda", "add Deploys [1m]")
	j.command(t, 1, "timebox", "notice on")
	if out := j.command(t, 2, "next", ""); !slices.Equal(out.Say, []string{"#topic Deploys"}) {
		t.Fatalf("/next said %q", out.Say)
	}
	j.line(3, "chair", "#topic Deploys")
	if out := j.tl.Tick(t0.Add(30 * time.Second)); len(out.Reports) != 0 || len(out.Say) != 0 {
		t.Fatalf("before the box runs out: %+v", out)
	}
	out := j.tl.Tick(t0.Add(64 * time.Second))
	if got := reportsOf(out, TimeboxOver); len(got) != 1 || got[0] != "timebox over: Deploys (1:01/1:00)" {
		t.Errorf("timebox over: %q", got)
	}
	if len(out.Say) != 1 || out.Say[0] != "Time is up for this topic (1:00 timebox): Deploys" {
		t.Fatalf("notice: %q", out.Say)
	}
	if again := j.tl.Tick(t0.Add(70 * time.Second)); len(again.Reports) != 0 || len(again.Say) != 0 {
		t.Errorf("said twice: %+v", again)
	}
	j.line(65, "chair", out.Say[0]) // the notice, as the channel saw it
	r := j.resumed(t)
	if out := r.tl.Tick(t0.Add(80 * time.Second)); len(out.Say) != 0 {
		t.Errorf("the resumed tools said the notice again: %q", out.Say)
	}
	if a, _ := r.tl.Agenda(); a == nil {
		t.Fatal("no agenda after the resume")
	} else if e, n, ok := a.Current(); !ok || n != 1 || e.Title != "Deploys" {
		t.Errorf("current item after the resume: %+v %d %v", e, n, ok)
	}
	if !r.tl.TimeboxNotice() {
		t.Error("the notice setting was lost")
	}
}
