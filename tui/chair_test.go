package tui

// The chair's tools in the console, driven through the shared console rig
// (the real Bubble Tea program, ircclient and live driver) against a real
// InspIRCd with other people in the channel, the tools wired as cmd/gavel
// wires them. The tests look at the screen (Render), as the chair does,
// and at what the other people see in the channel.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gavel/backend"
	"gavel/backend/fetch"
	"gavel/ircclient/ircdtest"
	"gavel/meeting"
	"gavel/meeting/chair"
	"gavel/meeting/chair/chairio"
	"gavel/meeting/publish"
)

// chairConsole is the console under test: the shared rig with the
// chair's tools, and a clock a test can move on.
type chairConsole struct {
	*rig
	offset atomic.Int64 // added to the console's clock
}

type chairConsoleOptions struct {
	style    meeting.Style
	channels []string
	chair    map[string]chair.ChannelConfig // the channels' settings
	http     *fetch.Client                  // for agendas and forges (nil: fetch's defaults)
	archive  string
}

func startChairConsole(t *testing.T, srv *ircdtest.Server, o chairConsoleOptions) *chairConsole {
	t.Helper()
	cc := &chairConsole{}
	state := t.TempDir()
	cc.rig = startRig(t, srv, rigOptions{nick: "chair", channels: o.channels, width: 150, height: 46, style: o.style, archive: o.archive,
		chair: func(archive *publish.Archive, router *backend.Router) *chair.Config {
			return &chair.Config{Network: "127.0.0.1", Channels: o.chair, Agendas: chairio.NewSources(o.http),
				Leftovers: &chairio.Store{Dir: filepath.Join(state, "agenda")}, Previous: chairio.Archive{Archive: archive},
				Groups: chairio.Lookups{Router: router}, Accounts: chairio.Lookups{Router: router}}
		},
		mutate: func(opts *Options) {
			opts.Now = func() time.Time { return time.Now().Add(time.Duration(cc.offset.Load())) }
		}})
	return cc
}

// untilScreen waits for a condition on the screen.
func (cc *chairConsole) untilScreen(what string, ok func(screen string) bool) {
	cc.t.Helper()
	cc.until(20*time.Second, what, func(m *Model) bool { return ok(ansi.Strip(m.Render())) })
}

// shows waits until the screen holds every text.
func (cc *chairConsole) shows(texts ...string) {
	cc.t.Helper()
	cc.untilScreen(strings.Join(texts, " + "), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// chairPerson is another client in the channel: it says lines and reads
// what the channel sees.
type chairPerson struct {
	t    *testing.T
	lc   *ircdtest.LineClient
	nick string
	w    *ircdtest.Watcher // the channel's PRIVMSGs
}

func joinPerson(t *testing.T, ctx context.Context, srv *ircdtest.Server, nick, channel string) *chairPerson {
	t.Helper()
	lc := ircdtest.Joined(t, ctx, srv.Addr(), nick, channel)
	return &chairPerson{t: t, lc: lc, nick: nick, w: lc.Watch(channel, false)}
}

// seesPrefix is sees for a line that starts with prefix.
func (p *chairPerson) seesPrefix(prefix string) {
	p.t.Helper()
	p.until(fmt.Sprintf("%q…", prefix), func(l string) bool { return strings.HasPrefix(l, prefix) })
}

func (p *chairPerson) say(channel, text string) { p.lc.Send("PRIVMSG " + channel + " :" + text) }

// sees waits until the channel carried the line "nick text"; it returns
// the lines read before it.
func (p *chairPerson) sees(want string) []string {
	p.t.Helper()
	got := p.until(fmt.Sprintf("%q", want), func(l string) bool { return l == want })
	return got[:len(got)-1]
}

// until reads what the channel carried, for at most 20 seconds, up to the
// line match accepts.
func (p *chairPerson) until(what string, match func(string) bool) []string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return p.w.Until(p.t, ctx, what, match)
}

// TestChairToolsZodbotStyle runs a meeting in zodbot style (where the
// engine treats votes as ordinary lines) from the agenda the
// configuration names, with the previous meeting's actions from a real
// zodbot archive: /followup, /done, /carry; roll call with the backend's
// accounts; /next and its key; the timebox in the status bar (80% and
// over, on the console's clock) and its optional channel notice; a vote
// with a roster and a quorum tallied by the console and the prefilled
// #agreed; the items not reached kept and offered, first, to the next
// meeting of the name.
func TestChairToolsZodbotStyle(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const ch = "#fedora-meeting"
	dir := t.TempDir()
	// The archive holds zodbot's own minutes of the magazine meeting of
	// 2020-06-10 (its .txt only, as zodbot's archives have no .json).
	archive := filepath.Join(dir, "archive")
	day := filepath.Join(archive, "fedora-meeting", "2020-06-10")
	os.MkdirAll(day, 0o755)
	zodbot, err := os.ReadFile(filepath.Join("..", "testdata", "zodbot-published", "fedora-meeting_2020-06-10_magazine", "magazine.2020-06-10-12.02.txt"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(day, "magazine.2020-06-10-12.02.txt"), zodbot, 0o644)
	// The agenda is on a web server, as the configuration names it.
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
		w.Write([]byte(`# Magazine editorial board

- Roll call [2m]
- Article review <https://pagure.io/fedora-magazine/issue/184> [10m]
- Vote: publish the interview [5m]
- Open floor
- Stats for the infographic
`))
	}))
	defer web.Close()
	agendaURL := web.URL + "/magazine.md"

	people := map[string]*chairPerson{}
	for _, n := range []string{"bcotton", "asamalik", "sysoplab", "stbnruiz"} {
		people[n] = joinPerson(t, ctx, srv, n, ch)
	}
	bc := people["bcotton"]
	cc := startChairConsole(t, srv, chairConsoleOptions{style: meeting.StyleZodbot, channels: []string{ch}, archive: archive,
		chair: map[string]chair.ChannelConfig{ch: {Agenda: agendaURL}}})
	cc.shows("Agenda (5)", "Roll call [2m]", "agenda: 5 items from "+agendaURL)

	cc.typeLine("#startmeeting magazine")
	bc.sees("chair #startmeeting magazine")
	cc.shows("follow-up: the meeting magazine of 2020-06-10 had 8 action items", "from 2020-06-10 (8)", "1. sysoplab to edit #184 and #188")

	// Follow-up of zodbot's minutes.
	cc.typeLine("/followup")
	bc.sees("chair #topic Follow-up on actions from 2020-06-10")
	cc.typeLine("/done 1")
	bc.sees("chair #info done: sysoplab to edit #184 and #188")
	cc.typeLine("/carry 3")
	bc.sees("chair #action gregbartholomew to edit #181")
	cc.shows("✓ 1. sysoplab to edit #184", "→ 3. gregbartholomew to edit #181")
	cc.typeLine("#undo") // the carried action is no longer in the minutes: open again
	bc.sees("chair #undo")
	cc.untilScreen("action 3 open again", func(s string) bool {
		return !strings.Contains(s, "→ 3. gregbartholomew") && strings.Contains(s, "3. gregbartholomew to edit #181")
	})
	cc.typeLine("/carry 3")
	bc.sees("chair #action gregbartholomew to edit #181")
	cc.shows("→ 3. gregbartholomew to edit #181")
	cc.typeLine("/done 1")
	cc.shows("/done: action 1 is already done")

	// Roll call: F2 posts the first agenda item, "Roll call".
	cc.key(tea.KeyPressMsg{Code: tea.KeyF2})
	bc.sees("chair #topic Roll call")
	cc.shows("▶ 1. Roll call", "topic 0:0")
	people["stbnruiz"].say(ch, "Esteban here")
	bc.say(ch, ".hello")
	cc.shows("stbnruiz 1 ✓ (stbnruiz001)", "bcotton 1 ✓", "roll call 3")
	if s := cc.screen(); strings.Contains(s, "asamalik 1") {
		t.Errorf("asamalik is marked without having spoken:\n%s", s)
	}

	// /next: "#topic" then "#link"; the timebox on the console's clock.
	cc.typeLine("/next")
	bc.sees("chair #topic Article review")
	bc.sees("chair #link https://pagure.io/fedora-magazine/issue/184")
	cc.shows("▶ 2. Article review", "✓ 1. Roll call", "/10:00")
	cc.offset.Store(int64(8*time.Minute + 30*time.Second))
	cc.untilScreen("the timebox at 80%", func(s string) bool { return regexp.MustCompile(`topic 8:3\d/10:00 !`).MatchString(s) })
	cc.typeLine("/timebox notice on")
	cc.offset.Store(int64(10*time.Minute + 5*time.Second))
	cc.untilScreen("the timebox over", func(s string) bool { return regexp.MustCompile(`topic 10:0\d/10:00 over`).MatchString(s) })
	bc.sees("chair Time is up for this topic (10:00 timebox): Article review")
	cc.offset.Store(0)
	cc.typeLine("#action asamalik to review the article")

	// A vote with a roster and a quorum; in zodbot style the console
	// tallies the lines itself.
	cc.key(tea.KeyPressMsg{Code: tea.KeyF2})
	bc.sees("chair #topic Vote: publish the interview")
	cc.typeLine("/voters bcotton asamalik sysoplab")
	bc.sees("chair #info Voters: bcotton, asamalik, sysoplab")
	cc.typeLine("/quorum 2")
	bc.sees("chair #info Voters: bcotton, asamalik, sysoplab; quorum 2")
	cc.typeLine("#startvote Publish the interview? +1, 0, -1")
	bc.sees("chair #startvote Publish the interview? +1, 0, -1")
	bc.say(ch, "#vote +1")
	people["sysoplab"].say(ch, "#vote -1")
	people["stbnruiz"].say(ch, "#vote +1")
	cc.shows("✓ bcotton +1", "✓ sysoplab -1", "· asamalik", "not on the roster: stbnruiz", "2/3 voted · quorum 2 ✓ met")
	bc.say(ch, "#vote 0") // the last ballot counts
	cc.shows("✓ bcotton 0")
	cc.typeLine("#endvote")
	cc.shows("vote ended: Publish the interview? (+0, 1, -1)", "quorum 2 met (2 voted) · did not vote: asamalik",
		"› #agreed Publish the interview? (+0, 1, -1)")
	cc.key(tea.KeyPressMsg{Code: tea.KeyEnter})
	bc.sees("chair #agreed Publish the interview? (+0, 1, -1)")

	// Skip one item, leave one unreached; both are kept.
	cc.typeLine("/agenda skip 5")
	cc.shows("↷ 5. Stats for the infographic")
	cc.typeLine("#endmeeting")
	bc.sees("chair #endmeeting")
	cc.shows("agenda: kept 2 items not reached for the next meeting magazine")
	minutes, _ := filepath.Glob(filepath.Join(archive, "fedora-meeting", time.Now().UTC().Format("2006-01-02"), "magazine.*.txt"))
	var text string
	for _, f := range minutes {
		if !strings.HasSuffix(f, ".log.txt") {
			b, _ := os.ReadFile(f)
			text = string(b)
		}
	}
	for _, want := range []string{"Follow-up on actions from 2020-06-10", "done: sysoplab to edit #184 and #188",
		"ACTION: gregbartholomew to edit #181", "Publish the interview? (+0, 1, -1)", "Voters: bcotton, asamalik, sysoplab; quorum 2",
		"https://pagure.io/fedora-magazine/issue/184"} {
		if !strings.Contains(text, want) {
			t.Errorf("the minutes lack %q:\n%s", want, text)
		}
	}

	// The next meeting of the name is offered what was not reached, as
	// soon as #meetingname gives it the name.
	cc.typeLine("#startmeeting Editorial board")
	bc.sees("chair #startmeeting Editorial board")
	cc.typeLine("#meetingname magazine")
	bc.sees("chair #meetingname magazine")
	cc.shows("agenda: 2 items left over from the meeting magazine of", "/agenda take puts them first", "· Open floor")
	cc.typeLine("/agenda take")
	cc.shows("1. Open floor (left over)", "2. Stats for the infographic (left")
	cc.typeLine("/next")
	bc.sees("chair #topic Open floor")
	cc.typeLine("#endmeeting")
	cc.shows("agenda: kept 1 item not reached for the next meeting magazine")
}

// readmeChair returns the "## Chair tools" section of README.md.
func readmeChair(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n## Chair tools\n")
	if !ok {
		t.Fatal("README.md has no Chair tools section")
	}
	sec, _, _ = strings.Cut(sec, "\n## ")
	return sec
}

// blocks returns the bodies of a README section's fenced blocks whose
// opening fence names lang ("" for none).
func blocks(sec, lang string) []string {
	var out []string
	var body []string
	open, keep := false, false
	for _, l := range strings.Split(sec, "\n") {
		switch {
		case !open && strings.HasPrefix(l, "```"):
			open, keep, body = true, strings.TrimPrefix(l, "```") == lang, nil
		case open && l == "```":
			open = false
			if keep {
				out = append(out, strings.Join(body, "\n")+"\n")
			}
		case open:
			body = append(body, l)
		}
	}
	return out
}

// forgeTransport sends every request, whatever its host, to a test
// server (TLS checked against the server's own certificate).
func forgeTransport(srv *httptest.Server) http.RoundTripper {
	tr := srv.Client().Transport.(*http.Transport).Clone()
	addr := srv.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	tr.TLSClientConfig.ServerName = "example.com" // the name in httptest's certificate
	return tr
}

// TestChairREADME runs every console line of the README's Chair tools
// section, as written, in a meeting on InspIRCd, and checks what each one
// did (in the channel or on the screen); the agenda file is the README's.
// Pagure is a loopback server (serving the recorded answers) reached under
// the README's own address.
func TestChairREADME(t *testing.T) {
	sec := readmeChair(t)
	md := blocks(sec, "markdown")
	if len(md) != 1 {
		t.Fatalf("want one markdown agenda in the section, got %d", len(md))
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	os.WriteFile(filepath.Join(home, "infra-agenda.md"), []byte(md[0]), 0o644)
	pagure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := ""
		switch {
		case r.Host != "pagure.io":
			t.Errorf("request for %s", r.Host)
		case r.URL.Path == "/api/0/fesco/issues" && r.URL.Query().Get("tags") == "meeting":
			name = map[string]string{"1": "pagure-fesco-issues-page1.json", "2": "pagure-fesco-issues-page2.json"}[r.URL.Query().Get("page")]
		}
		b, err := os.ReadFile(filepath.Join("..", "backend", "forge", "testdata", name))
		if name == "" || err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
	defer pagure.Close()

	// What each line does: the channel sees ("chair ..."; a trailing …
	// matches a prefix) or the screen shows (anything else).
	want := []struct{ line, effect string }{
		{"/agenda load ~/infra-agenda.md", "agenda: 3 items from ~/infra-agenda.md"},
		{"/agenda forge https://pagure.io/fesco", "agenda: added 3 items from https://pagure.io/fesco"},
		{"/agenda add Open floor [10m]", "agenda: added 7. Open floor [10m]"},
		{"/next", "chair #link https://pagure.io/fedora-infrastructure/issue/9001"},
		{"/agenda skip 3", "agenda: skipped Backups"},
		{"/timebox 20m", "timebox 20m for Mirror migration"},
		{"/timebox notice on", "timebox notice in the channel on"},
		{"/followup", "chair #topic Follow-up on actions from 2020-06-10"},
		{"/done 1", "chair #info done: sysoplab to edit #184 and #188"},
		{"/carry 2", `chair #action bcotton to add "push your new image to the git repo" to the image docs :-)`},
		{"/voters group:sysadmin-main", "chair #info Voters: …"},
		{"/voters nirik pingou relrod", "chair #info Voters: nirik, pingou, relrod"},
		{"/quorum 50%", "chair #info Voters: nirik, pingou, relrod; quorum 2 (50%)"},
		{"#startvote Grant the exception? +1, 0, -1", "chair #startvote Grant the exception? +1, 0, -1"},
		{"#endvote", "› #agreed Grant the exception? (+0, 0, -0)"},
		{"/rollcall", "chair #topic Roll call"},
	}
	var lines []string
	for _, b := range blocks(sec, "") {
		lines = append(lines, strings.Split(strings.TrimSpace(b), "\n")...)
	}
	if len(lines) != len(want) {
		t.Fatalf("the README shows %d console lines, the test knows %d:\n%s", len(lines), len(want), strings.Join(lines, "\n"))
	}

	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	const ch = "#fedora-meeting"
	archive := filepath.Join(t.TempDir(), "archive")
	os.MkdirAll(filepath.Join(archive, "fedora-meeting", "2020-06-10"), 0o755)
	zodbot, _ := os.ReadFile(filepath.Join("..", "testdata", "zodbot-published", "fedora-meeting_2020-06-10_magazine", "magazine.2020-06-10-12.02.txt"))
	os.WriteFile(filepath.Join(archive, "fedora-meeting", "2020-06-10", "magazine.2020-06-10-12.02.txt"), zodbot, 0o644)
	obs := joinPerson(t, ctx, srv, "observer", ch)
	cc := startChairConsole(t, srv, chairConsoleOptions{channels: []string{ch}, archive: archive,
		http: fetch.New(fetch.Options{Service: "agenda", Transport: forgeTransport(pagure)})})
	cc.typeLine("#startmeeting magazine")
	obs.sees("chair #startmeeting magazine")
	cc.shows("from 2020-06-10 (8)")
	for i, w := range want {
		if lines[i] != w.line {
			t.Fatalf("README line %d is %q, the test expects %q", i+1, lines[i], w.line)
		}
		cc.typeLine(w.line)
		switch {
		case strings.HasSuffix(w.effect, "…"):
			obs.seesPrefix(strings.TrimSuffix(w.effect, "…"))
		case strings.HasPrefix(w.effect, "chair "):
			obs.sees(w.effect)
		default:
			cc.shows(w.effect)
		}
		if agreed, ok := strings.CutPrefix(w.effect, "› "); ok {
			cc.key(tea.KeyPressMsg{Code: tea.KeyEnter}) // the chair sends what the console left
			obs.sees("chair " + agreed)
		}
	}
	// The commands the section names in its text.
	cc.typeLine("/agenda show")
	cc.shows("Agenda of #fedora-meeting: ~/infra-agenda.md", " 1. current  Mirror migration", " 3. skipped  Backups")
	cc.typeLine("/agenda clear")
	cc.shows("agenda cleared")
	if s := cc.screen(); strings.Contains(s, "usage: /") || strings.Contains(s, "unknown command") {
		t.Errorf("a README line was refused:\n%s", s)
	}
}
