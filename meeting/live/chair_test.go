package live

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gavel/backend"
	"gavel/meeting"
	"gavel/meeting/chair"
	"gavel/meeting/chair/chairio"
	"gavel/meeting/publish"
)

// chairController is a controller with the chair's tools over the real
// agenda sources and leftovers store.
func chairController(t *testing.T, root, journalDir, state string, net Effects, channels map[string]chair.ChannelConfig) *Controller {
	t.Helper()
	archive := publish.New(root, meeting.StyleDefault, "https://m.example/")
	c, err := New(Config{
		Archive: archive, JournalDir: journalDir, Network: net,
		Chair: &chair.Config{Network: "test", Channels: channels, Agendas: chairio.NewSources(nil),
			Leftovers: &chairio.Store{Dir: state}, Previous: chairio.Archive{Archive: archive}, Location: time.UTC},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// settle runs the work the updates ask for, as a presenter does, and hands
// each result back, until none is left; it returns every update and the
// lines sent meanwhile are echoed through net.
func settle(t *testing.T, c *Controller, net *recorder, ups []Update) []Update {
	t.Helper()
	all := slices.Clone(ups)
	for i := 0; i < len(all) && i < 1000; i++ {
		if u := all[i]; u.Kind == UpdateWork {
			if done := u.Task(context.Background()); done != nil {
				all = append(all, done()...)
			}
		}
		for len(net.echoes) > 0 {
			batch := net.echoes
			net.echoes = nil
			all = append(all, handleIRC(c, batch...)...)
		}
	}
	return all
}

func reports(ups []Update, kind chair.ReportKind) []string {
	var out []string
	for _, u := range ups {
		if u.Kind == UpdateChair && u.Report.Kind == kind {
			out = append(out, u.Text)
		}
	}
	return out
}

// TestChairToolsResumeFromTheJournal: the agenda, its position, a
// timebox, the roster, the quorum and an open vote with its ballots
// survive a crash (the controller dropped without Close), rebuilt from
// the journal; after it, /next goes on from the current item without
// posting it again, and the vote's end gives the tally, the quorum's
// verdict and the #agreed line.
func TestChairToolsResumeFromTheJournal(t *testing.T) {
	root, jdir, state := t.TempDir(), t.TempDir(), t.TempDir()
	file := filepath.Join(t.TempDir(), "agenda.md")
	if err := os.WriteFile(file, []byte("- Alpha [10m]\n- Beta\n- Gamma\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	net := &recorder{nick: "chair"}
	c1 := chairController(t, root, jdir, state, net, map[string]chair.ChannelConfig{"#meet": {Agenda: file}})
	ups := settle(t, c1, net, online(c1))
	ups = append(ups, settle(t, c1, net, c1.Tick(t0))...)
	if got := reports(ups, chair.AgendaLoaded); len(got) != 1 || !strings.HasPrefix(got[0], "agenda: 3 items from "+file) {
		t.Fatalf("the configured agenda: %q", got)
	}
	net.now = t0
	settle(t, c1, net, net.feed(c1, msg(1, "chair", "#startmeeting Resume")))
	for _, cmd := range [][2]string{{"next", ""}, {"timebox", "20m"}, {"voters", "alice bob carol"}, {"quorum", "2"}} {
		ups, err := c1.Chair("#meet", cmd[0], cmd[1], t0.Add(2*time.Second))
		if err != nil {
			t.Fatalf("/%s: %v", cmd[0], err)
		}
		settle(t, c1, net, ups)
	}
	for i, l := range []string{"chair: #startvote Ship it? +1, 0, -1", "alice: #vote +1", "bob: #vote -1", "mallory: #vote +1"} {
		nick, text, _ := strings.Cut(l, ": ")
		settle(t, c1, net, net.feed(c1, msg(10+i, nick, text)))
	}
	before := snapshot(t, c1.ChairTools("#meet"), t0.Add(time.Minute))
	if !strings.Contains(before, "current 1 Alpha") || !strings.Contains(before, "box 20:00") ||
		!strings.Contains(before, "roster alice,bob,carol quorum 2") || !strings.Contains(before, "vote Ship it? (+1, 0, -1) voted 2") {
		t.Fatalf("before the crash: %s", before)
	}
	t.Logf("before the crash: %s", before)
	// Crash: c1 is dropped without Close.

	net2 := &recorder{nick: "chair"}
	c2 := chairController(t, root, jdir, state, net2, map[string]chair.ChannelConfig{"#meet": {Agenda: file}})
	ups = settle(t, c2, net2, c2.Resume("#meet"))
	ups = append(ups, settle(t, c2, net2, c2.Tick(t0.Add(time.Minute)))...)
	if got := reports(ups, chair.AgendaLoaded); len(got) != 0 {
		t.Errorf("the configured agenda was read again over the journalled one: %q", got)
	}
	if after := snapshot(t, c2.ChairTools("#meet"), t0.Add(time.Minute)); after != before {
		t.Fatalf("after the crash:\n%s\nbefore:\n%s", after, before)
	}
	net2.now = t0.Add(30 * time.Second)
	settle(t, c2, net2, onlineAt(c2, 30))
	net2.said = nil
	ups, err := c2.Chair("#meet", "next", "", t0.Add(31*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	settle(t, c2, net2, ups)
	// The gap's notice comes with the first live line after gavel is back
	// (a bouncer's playback would come before it): here, the echo of the
	// topic.
	said := slices.DeleteFunc(slices.Clone(net2.said), func(l string) bool { return strings.Contains(l, "gavel was away") })
	if !slices.Equal(said, []string{"#meet #topic Beta"}) {
		t.Errorf("/next after the crash said %q", net2.said)
	}
	ups = settle(t, c2, net2, net2.feed(c2, msg(40, "chair", "#endvote")))
	ended := reports(ups, chair.VoteEnded)
	want := "vote ended: Ship it? (+1, 0, -1) · quorum 2 met (2 voted) · did not vote: carol · not counted (not on the roster): mallory"
	if len(ended) != 1 || ended[0] != want {
		t.Errorf("the vote's end: %q, want %q", ended, want)
	}
	for _, u := range ups {
		if u.Kind == UpdateChair && u.Report.Kind == chair.VoteEnded && u.Report.Result.Agreed != "#agreed Ship it? (+1, 0, -1)" {
			t.Errorf("agreed line %q", u.Report.Result.Agreed)
		}
	}
}

// snapshot writes down what the chair sees of the tools.
func snapshot(t *testing.T, tl *chair.Tools, now time.Time) string {
	t.Helper()
	if tl == nil {
		t.Fatal("no tools")
	}
	var b strings.Builder
	a, src := tl.Agenda()
	b.WriteString("agenda " + filepath.Base(src))
	if a != nil {
		if e, n, ok := a.Current(); ok {
			b.WriteString(" current " + strconv.Itoa(n) + " " + e.Title)
		}
		for _, e := range a.Entries() {
			b.WriteString(" [" + e.Title + " " + e.Status.String() + "]")
		}
	}
	if c, ok := tl.Clock(now); ok {
		b.WriteString(" clock " + c.Topic + " " + c.Text + " box " + chair.Duration(c.Box))
	}
	r, q := tl.Electorate()
	b.WriteString(" roster " + strings.Join(r.Members, ",") + " quorum " + q.String())
	if res, running, ok := tl.Vote(); ok {
		b.WriteString(" vote " + res.Question + " " + res.Summary + " voted " + strconv.Itoa(res.Voted))
		if running {
			b.WriteString(" running")
		}
	}
	return b.String()
}

// TestRollCallResumesFromTheJournal: who spoke since "#topic Roll call"
// and the accounts the backend found for them (the offline snapshot,
// through the router) survive a crash; nobody is looked up again.
func TestRollCallResumesFromTheJournal(t *testing.T) {
	root, jdir, state := t.TempDir(), t.TempDir(), t.TempDir()
	router, err := backend.New(backend.Config{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	start := func(net *recorder) *Controller {
		c, err := New(Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: jdir, Network: net,
			Chair: &chair.Config{Leftovers: &chairio.Store{Dir: state}, Accounts: chairio.Lookups{Router: router}}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	net := &recorder{nick: "chair"}
	c1 := start(net)
	settle(t, c1, net, online(c1))
	net.now = t0
	for i, l := range []string{"chair: #startmeeting Roll", "chair: #topic Roll call", "stbnruiz: here", "nirik: morning"} {
		nick, text, _ := strings.Cut(l, ": ")
		settle(t, c1, net, net.feed(c1, msg(1+i, nick, text)))
	}
	present := func(c *Controller) string {
		r := c.ChairTools("#meet").RollCall()
		if r == nil {
			return "no roll call"
		}
		var s []string
		for _, p := range r.Present() {
			s = append(s, p.Nick+"="+strings.Join(p.Accounts, ","))
		}
		return strings.Join(s, " ")
	}
	before := present(c1)
	if before != "chair= stbnruiz=stbnruiz001 nirik=nirik" {
		t.Fatalf("roll call before the crash: %s", before)
	}
	// Crash: c1 is dropped without Close.

	net2 := &recorder{nick: "chair"}
	c2 := start(net2)
	ups := c2.Resume("#meet")
	ups = append(ups, c2.Tick(t0.Add(time.Minute))...)
	for _, u := range ups {
		if u.Kind == UpdateWork {
			t.Errorf("work asked for again after the resume: %+v", u)
		}
	}
	if after := present(c2); after != before {
		t.Errorf("roll call after the crash: %s, before: %s", after, before)
	}
}
