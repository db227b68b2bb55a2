package publish

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// publishAt runs a whole meeting started at at through the engine and
// publishes it, as the live controller does.
func publishAt(t *testing.T, a *Archive, channel string, at time.Time, lines ...string) *meeting.Meeting {
	t.Helper()
	return publishEvery(t, a, channel, at, time.Second, lines...)
}

// publishEvery is publishAt with the lines said step apart.
func publishEvery(t *testing.T, a *Archive, channel string, at time.Time, step time.Duration, lines ...string) *meeting.Meeting {
	t.Helper()
	e := meeting.NewEngine(meeting.Options{Channel: channel, Style: a.Style})
	var s *Session
	for i, text := range lines {
		for _, eff := range e.Handle(meeting.Message{Time: at.Add(time.Duration(i) * step), Nick: "chair", Text: text}) {
			switch {
			case eff.Kind == meeting.EffectLog && s == nil:
				var err error
				if s, err = a.Open(e.Meeting()); err != nil {
					t.Fatal(err)
				}
				fallthrough
			case eff.Kind == meeting.EffectLog:
				if err := s.Log(eff.Line); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if _, err := s.Finish(e.Meeting()); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return e.Meeting()
}

func TestPreviousInGavelArchive(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		t.Run(style.String(), func(t *testing.T) {
			root := t.TempDir()
			a := New(root, style, "https://meetbot.example/")
			week := 7 * 24 * time.Hour
			now := time.Date(2026, 6, 17, 15, 0, 30, 0, time.UTC)
			publishAt(t, a, "#fedora-meeting", now.Add(-2*week), "#startmeeting FESCo", "#action old one", "#endmeeting")
			publishAt(t, a, "#fedora-meeting", now.Add(-week), "#startmeeting FESCo", "#topic a", "#action alice to do x", "#action bob to do y", "#endmeeting")
			publishAt(t, a, "#fedora-meeting", now.Add(-week+time.Hour), "#startmeeting Other team", "#action not ours", "#endmeeting")
			publishAt(t, a, "#fedora-meeting-1", now.Add(-time.Hour), "#startmeeting FESCo", "#action other channel", "#endmeeting")
			// The asking meeting's own files (saved in the same minute) are
			// not its predecessor.
			cur := publishAt(t, a, "#fedora-meeting", now.Truncate(time.Minute), "#startmeeting FESCo", "#action this meeting", "#endmeeting")

			p, ok, err := a.Previous(context.Background(), "#Fedora-Meeting", cur.Name, cur.Start)
			if err != nil || !ok {
				t.Fatalf("Previous = %+v, %v, %v", p, ok, err)
			}
			if want := now.Add(-week).Truncate(time.Minute); !p.Start.Equal(want) || p.Date() != "2026-06-10" {
				t.Errorf("Start %v, Date %s; want %v", p.Start, p.Date(), want)
			}
			if p.RelBase != "fedora-meeting/2026-06-10/fesco.2026-06-10-15.00" || p.Text == "" || (style == meeting.StyleDefault) != (p.JSON != "") {
				t.Errorf("found %+v", p)
			}
			actions, err := p.Actions()
			if err != nil || !slices.Equal(actions, []string{"alice to do x", "bob to do y"}) {
				t.Errorf("Actions = %q, %v", actions, err)
			}
		})
	}
}

// zodbotArchive lays the real published zodbot files out as they are on
// meetbot.fedoraproject.org.
func zodbotArchive(t *testing.T) string {
	root := t.TempDir()
	src := filepath.Join("..", "..", "testdata", "zodbot-published")
	for set, dest := range map[string]string{
		"fedora-meeting_2020-06-10_magazine":                         "fedora-meeting/2020-06-10",
		"fedora-meeting_2020-06-10_fedora_iot_working_group_meeting": "fedora-meeting/2020-06-10",
		"fedora-meeting-1_2015-02-09_releng_minutes-only":            "fedora-meeting-1/2015-02-09",
	} {
		os.MkdirAll(filepath.Join(root, dest), 0o755)
		entries, err := os.ReadDir(filepath.Join(src, set))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			data, _ := os.ReadFile(filepath.Join(src, set, e.Name()))
			os.WriteFile(filepath.Join(root, dest, e.Name()), data, 0o644)
		}
	}
	return root
}

func TestPreviousInZodbotArchive(t *testing.T) {
	a := New(zodbotArchive(t), meeting.StyleZodbot, "")
	ctx := context.Background()
	next := time.Date(2020, 6, 17, 12, 0, 0, 0, time.UTC)
	p, ok, err := a.Previous(ctx, "#fedora-meeting", "magazine", next)
	if err != nil || !ok || p.JSON != "" || !strings.HasSuffix(p.Text, "magazine.2020-06-10-12.02.txt") || p.Date() != "2020-06-10" {
		t.Fatalf("Previous = %+v, %v, %v", p, ok, err)
	}
	actions, err := p.Actions()
	if err != nil || len(actions) != 8 || actions[0] != "sysoplab to edit #184 and #188" ||
		actions[7] != "bcotton to make a first pass of stats, etc for the infographic and then share to the mailing list for review" {
		t.Errorf("Actions = %q, %v", actions, err)
	}
	p, ok, err = a.Previous(ctx, "#fedora-meeting-1", "releng", time.Date(2015, 2, 16, 16, 30, 0, 0, time.UTC))
	if err != nil || !ok {
		t.Fatalf("releng: %+v %v %v", p, ok, err)
	}
	if actions, err := p.Actions(); err != nil || len(actions) != 3 {
		t.Errorf("releng actions %q, %v", actions, err)
	}

	for _, tt := range []struct {
		channel, name string
		before        time.Time
	}{
		{"#fedora-meeting", "magazine_editorial_board", next},                           // only the rename stub, a .log.txt
		{"#fedora-meeting", "magazine", time.Date(2020, 6, 10, 12, 2, 26, 0, time.UTC)}, // itself
		{"#fedora-meeting", "magazine", time.Date(2020, 6, 9, 0, 0, 0, 0, time.UTC)},    // before it
		{"#nosuch", "magazine", next},
		{"#../../etc", "../passwd", next},
		{"#fedora-meeting", "../fedora-meeting/2020-06-10/magazine", next},
	} {
		if p, ok, err := a.Previous(ctx, tt.channel, tt.name, tt.before); ok || err != nil {
			t.Errorf("Previous(%q, %q, %v) = %+v, %v, %v; want none", tt.channel, tt.name, tt.before, p, ok, err)
		}
	}
}

func TestPreviousBrokenJSONFallsBackToText(t *testing.T) {
	root := t.TempDir()
	a := New(root, meeting.StyleDefault, "")
	at := time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC)
	publishAt(t, a, "#meet", at, "#startmeeting Team", "#action carol to fix it", "#endmeeting")
	p, ok, err := a.Previous(context.Background(), "#meet", "team", at.Add(time.Hour))
	if err != nil || !ok {
		t.Fatal(p, ok, err)
	}
	os.WriteFile(p.JSON, []byte("{torn"), 0o644)
	if actions, err := p.Actions(); err != nil || !slices.Equal(actions, []string{"carol to fix it"}) {
		t.Errorf("Actions = %q, %v", actions, err)
	}
	os.WriteFile(p.Text, []byte("garbage"), 0o644)
	if _, err := p.Actions(); err == nil || !strings.Contains(err.Error(), p.JSON) || !strings.Contains(err.Error(), p.Text) {
		t.Errorf("both broken: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := a.Previous(ctx, "#meet", "team", at.Add(time.Hour)); err == nil {
		t.Error("cancelled context ignored")
	}
}

// named is the lines that start a meeting named name in a style: the
// default style names it after #startmeeting's text, zodbot style by
// #meetingname.
func named(style meeting.Style, name string) []string {
	if style == meeting.StyleZodbot {
		return []string{"#startmeeting Some title", "#meetingname " + name}
	}
	return []string{"#startmeeting " + name}
}

// TestPreviousFollowsTheStyleNames: in zodbot style a channel's directory
// is MeetBot's ("#a/b" is in "ab", not the default style's "a_b"), and
// Previous looks there.
func TestPreviousFollowsTheStyleNames(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		t.Run(style.String(), func(t *testing.T) {
			root := t.TempDir()
			a := New(root, style, "")
			at := time.Date(2026, 6, 10, 15, 0, 0, 0, time.UTC)
			publishAt(t, a, "#a/b", at, append(named(style, "team"), "#action carol to fix it", "#endmeeting")...)
			p, ok, err := a.Previous(context.Background(), "#a/b", "team", at.Add(24*time.Hour))
			if err != nil || !ok {
				t.Fatalf("Previous = %+v, %v, %v; archive holds %q", p, ok, err, walk(t, root))
			}
			if actions, err := p.Actions(); err != nil || !slices.Equal(actions, []string{"carol to fix it"}) {
				t.Errorf("Actions = %q, %v", actions, err)
			}
		})
	}
}

// TestPreviousCollisionCopies: two meetings of one name in the same minute
// are "name" and "name-2" on disk (see resolve). Previous of that name
// takes the later, "-2", one; a meeting really named "name-2" does not
// take the copy for its own, but finds its own files, also when they stand
// beside a meeting named "name" of the same minute (the JSON minutes'
// name tells them apart, in the default style).
func TestPreviousCollisionCopies(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		t.Run(style.String(), func(t *testing.T) {
			root := t.TempDir()
			a := New(root, style, "")
			ctx := context.Background()
			week := 7 * 24 * time.Hour
			now := time.Date(2026, 6, 17, 15, 0, 30, 0, time.UTC)
			genuine := now.Add(-2 * week)
			publishAt(t, a, "#meet", genuine, append(named(style, "team-2"), "#action the real team-2", "#endmeeting")...)
			twice := now.Add(-week)
			publishAt(t, a, "#meet", twice, append(named(style, "team"), "#action first of the minute", "#endmeeting")...)
			publishAt(t, a, "#meet", twice.Add(20*time.Second), append(named(style, "team"), "#action second of the minute", "#endmeeting")...)

			p, ok, err := a.Previous(ctx, "#meet", "team", now)
			if err != nil || !ok || !strings.HasSuffix(p.RelBase, "/team-2.2026-06-10-15.00") {
				t.Fatalf("Previous(team) = %+v, %v, %v; archive holds %q", p, ok, err, walk(t, root))
			}
			if actions, err := p.Actions(); err != nil || !slices.Equal(actions, []string{"second of the minute"}) {
				t.Errorf("team's actions = %q, %v", actions, err)
			}
			p, ok, err = a.Previous(ctx, "#meet", "team-2", now)
			if err != nil || !ok || !strings.HasSuffix(p.RelBase, "/team-2.2026-06-03-15.00") {
				t.Fatalf("Previous(team-2) = %+v, %v, %v", p, ok, err)
			}
			if actions, err := p.Actions(); err != nil || !slices.Equal(actions, []string{"the real team-2"}) {
				t.Errorf("team-2's actions = %q, %v", actions, err)
			}
			if style == meeting.StyleZodbot {
				return // no JSON minutes: a "-2" beside its natural name is a copy
			}
			// team and a real team-2 in one minute: team-2's files are at
			// its natural name, beside team's.
			both := now.Add(-24 * time.Hour)
			publishAt(t, a, "#meet", both, append(named(style, "team"), "#action team on the day before", "#endmeeting")...)
			publishAt(t, a, "#meet", both.Add(20*time.Second), append(named(style, "team-2"), "#action team-2 on the day before", "#endmeeting")...)
			for name, want := range map[string]string{"team": "team on the day before", "team-2": "team-2 on the day before"} {
				p, ok, err := a.Previous(ctx, "#meet", name, now)
				if err != nil || !ok {
					t.Fatalf("Previous(%s) = %+v, %v, %v", name, p, ok, err)
				}
				if actions, err := p.Actions(); err != nil || !slices.Equal(actions, []string{want}) {
					t.Errorf("%s's actions = %q, %v (from %s)", name, actions, err, p.RelBase)
				}
			}
		})
	}
}

// TestPreviousInTheSameMinute: a meeting started in the same minute as an
// earlier one of its name (filed as name-2) follows up on that one, not
// on its own files; told apart by the second each started at.
func TestPreviousInTheSameMinute(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		t.Run(style.String(), func(t *testing.T) {
			a := New(t.TempDir(), style, "")
			at := time.Date(2026, 6, 17, 15, 0, 5, 0, time.UTC)
			publishAt(t, a, "#meet", at, "#startmeeting Infra", "#action alice to do x", "#endmeeting")
			cur := publishAt(t, a, "#meet", at.Add(30*time.Second), "#startmeeting Infra", "#action this meeting", "#endmeeting")
			p, ok, err := a.Previous(context.Background(), "#meet", cur.Name, cur.Start)
			if err != nil || !ok || p.RelBase != "meet/2026-06-17/infra.2026-06-17-15.00" {
				t.Fatalf("Previous = %+v, %v, %v", p, ok, err)
			}
			if actions, err := p.Actions(); err != nil || !slices.Equal(actions, []string{"alice to do x"}) {
				t.Errorf("Actions = %q, %v", actions, err)
			}
			// Asked by the first meeting itself: nothing before it.
			if p, ok, err := a.Previous(context.Background(), "#meet", cur.Name, at); ok || err != nil {
				t.Errorf("the first meeting finds %+v, %v", p, err)
			}
		})
	}
	// All in one second: the first meeting's JSON minutes say it had ended
	// when the second started; the second's own #save files (running, no
	// end) are never its predecessor.
	a := New(t.TempDir(), meeting.StyleDefault, "")
	at := time.Date(2026, 6, 17, 15, 0, 5, 0, time.UTC)
	publishEvery(t, a, "#meet", at, 0, "#startmeeting Infra", "#action alice to do x", "#endmeeting")
	e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
	var s *Session
	for _, text := range []string{"#startmeeting INFRA", "#action mine", "#save"} {
		for _, eff := range e.Handle(meeting.Message{Time: at, Nick: "chair", Text: text}) {
			switch eff.Kind {
			case meeting.EffectLog:
				if s == nil {
					var err error
					if s, err = a.Open(e.Meeting()); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.Log(eff.Line); err != nil {
					t.Fatal(err)
				}
			case meeting.EffectSave:
				if _, err := s.Save(e.Meeting()); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	defer s.Close()
	p, ok, err := a.Previous(context.Background(), "#meet", "infra", at)
	if err != nil || !ok || p.RelBase != "meet/2026-06-17/infra.2026-06-17-15.00" {
		t.Fatalf("in one second: Previous = %+v, %v, %v", p, ok, err)
	}
}
