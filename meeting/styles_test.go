package meeting

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func foldASCII(s string) string { return strings.ToLower(s) }

// effectsOf feeds steps and collects every effect of every step.
func effectsOf(t *testing.T, opts Options, steps ...step) (*Engine, []Effect) {
	t.Helper()
	if opts.Channel == "" {
		opts.Channel = "#fedora-meeting"
	}
	e := NewEngine(opts)
	var all []Effect
	for i, s := range steps {
		all = append(all, e.Handle(Message{Time: t0.Add(time.Duration(i) * time.Second), Nick: s.nick, Text: s.text})...)
	}
	return e, all
}

func topics(effects []Effect) []string {
	var out []string
	for _, f := range effects {
		if f.Kind == EffectTopic {
			out = append(out, f.Text)
		}
	}
	return out
}

// TestStyleDecisions holds what each style does where MeetBot 0.1.4 and
// gavel's default style part (see README, "Two styles").
func TestStyleDecisions(t *testing.T) {
	t.Run("chair checks: exact in zodbot, folded in the default style", func(t *testing.T) {
		steps := []step{{"alice", "#startmeeting x", ""}, {"alice", "#chair Bob", ""}, {"ALICE", "#agreed by ALICE", ""}, {"bob", "#agreed by bob", ""}, {"Bob", "#agreed by Bob", ""}}
		z, _ := effectsOf(t, Options{Style: StyleZodbot}, steps...)
		if got := kinds(z.Meeting().Items); !reflect.DeepEqual(got, []string{"AGREED:by Bob"}) {
			t.Errorf("zodbot: %q", got)
		}
		d, _ := effectsOf(t, Options{Fold: foldASCII}, steps...)
		if got := kinds(d.Meeting().Items); len(got) != 3 {
			t.Errorf("default with a fold: %q", got)
		}
		x, _ := effectsOf(t, Options{}, steps...)
		if got := kinds(x.Meeting().Items); !reflect.DeepEqual(got, []string{"AGREED:by Bob"}) {
			t.Errorf("default without a fold compares exactly: %q", got)
		}
	})
	t.Run("the topic at #startmeeting", func(t *testing.T) {
		_, eff := effectsOf(t, Options{Style: StyleZodbot}, step{"alice", "#startmeeting Weekly", ""})
		if got := topics(eff); !reflect.DeepEqual(got, []string{" (Meeting topic: Weekly)"}) {
			t.Errorf("zodbot: %q", got)
		}
		_, eff = effectsOf(t, Options{}, step{"alice", "#startmeeting Weekly", ""}, step{"alice", "#topic one", ""})
		if got := topics(eff); !reflect.DeepEqual(got, []string{"one (Meeting topic: Weekly)"}) {
			t.Errorf("default: %q (the channel's topic is left alone until a #topic)", got)
		}
	})
	t.Run("bare #meetingname", func(t *testing.T) {
		z, eff := effectsOf(t, Options{Style: StyleZodbot}, step{"alice", "#startmeeting Weekly", ""}, step{"alice", "#meetingname", ""})
		if m := z.Meeting(); m.Name != "" || m.BaseName() != "fedora-meeting.2020-06-10-12.02" || says(eff)[len(says(eff))-1] != "The meeting name has been set to ''" {
			t.Errorf("zodbot: name %q base %q says %q", m.Name, m.BaseName(), says(eff))
		}
		d, eff := effectsOf(t, Options{}, step{"alice", "#startmeeting Weekly", ""}, step{"alice", "#meetingname", ""})
		if m := d.Meeting(); m.Name != "fedora-meeting" || says(eff)[len(says(eff))-1] != "The meeting name has been set to 'fedora-meeting'" {
			t.Errorf("default: name %q says %q", m.Name, says(eff))
		}
	})
	t.Run("minutes written while the meeting runs end at its last line", func(t *testing.T) {
		for _, style := range []Style{StyleDefault, StyleZodbot} {
			e, _ := effectsOf(t, Options{Style: style}, step{"alice", "#startmeeting x", ""}, step{"alice", "#info y", ""}, step{"alice", "#save", ""})
			if got := e.Meeting().LastLine; !got.Equal(t0.Add(2 * time.Second)) {
				t.Errorf("%s: LastLine %v, want the #save's time", style, got)
			}
		}
	})
	t.Run("votes", func(t *testing.T) {
		steps := []step{{"alice", "#startmeeting x", ""}, {"alice", "#startvote Ship? yes, no", ""}, {"bob", "#vote yes", ""}, {"alice", "#endvote", ""}}
		z, eff := effectsOf(t, Options{Style: StyleZodbot}, steps...)
		if len(z.Meeting().Items) != 0 || len(says(eff)) != 5 {
			t.Errorf("zodbot: items %q says %q", kinds(z.Meeting().Items), says(eff))
		}
		d, _ := effectsOf(t, Options{}, steps...)
		if len(d.Meeting().Votes) != 1 {
			t.Errorf("default: no vote recorded")
		}
	})
	t.Run("a second #startmeeting", func(t *testing.T) {
		z, eff := effectsOf(t, Options{Style: StyleZodbot}, step{"alice", "#startmeeting x", ""}, step{"bob", "#startmeeting y", ""})
		if z.Meeting().LineCount != 1 || says(eff)[len(says(eff))-1] != "bob: Error: Can't start another meeting, one is in progress." {
			t.Errorf("zodbot logs the refused line: %d lines, %q", z.Meeting().LineCount, says(eff))
		}
		d, _ := effectsOf(t, Options{}, step{"alice", "#startmeeting x", ""}, step{"bob", "#startmeeting y", ""})
		if d.Meeting().LineCount != 2 {
			t.Errorf("default: %d lines, want the refused line logged", d.Meeting().LineCount)
		}
	})
	t.Run("#startmeeting must be exact in zodbot", func(t *testing.T) {
		for _, text := range []string{"#STARTMEETING x", " #startmeeting x", "#startmeetingx y", "#startmeeting \t "} {
			if z, _ := effectsOf(t, Options{Style: StyleZodbot}, step{"alice", text, ""}); z.Active() {
				t.Errorf("zodbot started a meeting on %q", text)
			}
		}
		if d, _ := effectsOf(t, Options{}, step{"alice", "#STARTMEETING x", ""}); !d.Active() {
			t.Error("default style: #STARTMEETING starts no meeting")
		}
	})
	t.Run("formatting codes", func(t *testing.T) {
		steps := []step{{"alice", "#startmeeting x", ""}, {"alice", "\x02#topic\x02 \x0304red\x03", ""}}
		z, eff := effectsOf(t, Options{Style: StyleZodbot}, steps...)
		if len(z.Meeting().Items) != 0 || eff[len(eff)-1].Line.Text != "\x02#topic\x02 \x0304red\x03" {
			t.Errorf("zodbot: items %q, log %q", kinds(z.Meeting().Items), eff[len(eff)-1].Line.Text)
		}
		d, _ := effectsOf(t, Options{}, steps...)
		if got := kinds(d.Meeting().Items); !reflect.DeepEqual(got, []string{"TOPIC:red"}) {
			t.Errorf("default: %q", got)
		}
	})
	t.Run("invalid UTF-8", func(t *testing.T) {
		steps := []step{{"alice", "#startmeeting x", ""}, {"alice", "#info a\xe2\x82!", ""}}
		z, _ := effectsOf(t, Options{Style: StyleZodbot}, steps...)
		d, _ := effectsOf(t, Options{}, steps...)
		if got := z.Meeting().Items[0].Text; got != "a\uFFFD!" {
			t.Errorf("zodbot decodes as CPython 2.7: %q", got)
		}
		if got := d.Meeting().Items[0].Text; got != "a\uFFFD\uFFFD!" {
			t.Errorf("default: %q", got)
		}
	})
}
