package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"gavel/backend/fas"
	"gavel/backend/snapshot"
	"gavel/ircclient/ircdtest"
)

// chairBackend starts a loopback FASJSON replaying the recorded answers
// (testdata/backend/fixtures), answering a search it has no record of as
// FASJSON does when nobody matches (an empty result), and returns the
// [backend] section pointing at it.
func chairBackend(t *testing.T) string {
	t.Helper()
	m, err := snapshot.Load(os.DirFS(filepath.Join("..", "..", "testdata", "backend", "fixtures")))
	if err != nil {
		t.Fatal(err)
	}
	empty, err := os.ReadFile(filepath.Join("..", "..", "testdata", "backend", "fixtures", "fasjson", "search", "users.username.zzzz.json"))
	if err != nil {
		t.Fatal(err)
	}
	replay := m.Handler(snapshot.Selector{Eras: []string{"modern"}}, fas.DefaultBaseURL)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		replay.ServeHTTP(rec, r)
		if r.URL.Path == "/v1/search/users/" && rec.Header().Get("X-Snapshot-Miss") != "" {
			w.Header().Set("Content-Type", "application/json")
			w.Write(empty)
			return
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	return fmt.Sprintf("[backend]\nfas_url = %q\ntimeout = \"5s\"\n", srv.URL)
}

// pagureServer serves FESCo's tracker as Pagure does (the recorded
// answers of backend/forge/testdata): its version, and the open issues
// tagged "meeting", two pages.
func pagureServer(t *testing.T) *httptest.Server {
	t.Helper()
	dir := filepath.Join("..", "..", "backend", "forge", "testdata")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := ""
		switch q := r.URL.Query(); {
		case r.URL.Path == "/api/0/-/version":
			name = "pagure-version.json"
		case r.URL.Path == "/api/0/fesco/issues" && q.Get("tags") == "meeting" && q.Get("status") == "Open":
			name = map[string]string{"1": "pagure-fesco-issues-page1.json", "2": "pagure-fesco-issues-page2.json"}[q.Get("page")]
		}
		if name == "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(404)
			w.Write([]byte(`{"error": "Project not found", "error_code": "ENOPROJECT"}`))
			return
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// waitScreen polls the terminal until it shows every text.
func (tc *tmuxConsole) waitScreen(ctx context.Context, texts ...string) {
	tc.t.Helper()
	for {
		s := tc.screen()
		ok := true
		for _, x := range texts {
			if !strings.Contains(s, x) {
				ok = false
			}
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			tc.t.Fatalf("the screen never showed %q:\n%s", texts, s)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (tc *tmuxConsole) key(k string) { tc.tmux("send-keys", "-t", "s", k) }

// speaker is another person in the channels, who says lines.
func speaker(t *testing.T, ctx context.Context, addr, nick string, channels ...string) func(channel, text string) {
	t.Helper()
	lc := ircdtest.Joined(t, ctx, addr, nick, channels...)
	go func() { // keep reading, so the server never blocks on us
		for {
			if _, err := lc.ReadLine(); err != nil {
				return
			}
		}
	}()
	return func(channel, text string) { lc.Send("PRIVMSG " + channel + " :" + text) }
}

// TestChairToolsInTheBinary drives the real binary in a real
// terminal against InspIRCd, with other people in the channels, FASJSON
// and a Pagure on loopback servers: a whole meeting run from the agenda
// the config names (/next and F2 posting #topic and #link, /agenda add and
// skip, roll call with accounts, the timebox in the status bar); a FESCo
// meeting whose agenda is its Pagure tickets, with a vote by a roster from
// an account group and a 50% quorum; then the next meeting of the first
// name, offered the items not reached and following up the first one's
// actions with /followup, /done and /carry. The channel and the published
// minutes carry what the console said.
func TestChairToolsInTheBinary(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	bin := buildGavel(t)
	pagure := pagureServer(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "archive")
	agendaFile := filepath.Join(dir, "infra.md")
	os.WriteFile(agendaFile, []byte(`# Infrastructure, weekly

1. Mirror migration https://pagure.io/fedora-infrastructure/issue/9001 [15m]
2. Proxy upgrade [10m]
3. Backups
4. Open floor
`), 0o644)
	config := filepath.Join(dir, "config.toml")
	os.WriteFile(config, []byte(fmt.Sprintf(`server = "127.0.0.1"
port = %d
tls = false
nick = "chair"
channels = ["#meet", "#fesco"]
archive = %q
journal_dir = %q
send_burst = 100
send_rate = 100

[channel."#meet"]
agenda = %q

[channel."#fesco"]
agenda_forge = %q

%s`, srv.Port, archive, filepath.Join(dir, "state", "journal"), agendaFile, pagure.URL+"/fesco", chairBackend(t))), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	meet := observe(t, ctx, srv.Addr(), "observer", "#meet")
	fesco := observe(t, ctx, srv.Addr(), "watcher", "#fesco")
	nirik := speaker(t, ctx, srv.Addr(), "nirik", "#meet", "#fesco")
	pingou := speaker(t, ctx, srv.Addr(), "pingou", "#fesco")
	relrod := speaker(t, ctx, srv.Addr(), "relrod", "#fesco")
	esteban := speaker(t, ctx, srv.Addr(), "stbnruiz", "#meet")

	tc := startConsole(t, dir, bin, config)
	meet.waitFor(t, ctx, "chair JOIN", false)
	tc.waitScreen(ctx, "Agenda (4)", "1. Mirror migration")
	say := func(obs channelReader, line string) {
		t.Helper()
		tc.typeLine(line)
		obs.waitFor(t, ctx, "chair "+line, false)
	}

	// The first meeting, run from the agenda.
	say(meet, "#startmeeting Infrastructure")
	tc.typeLine("/rollcall")
	meet.waitFor(t, ctx, "chair #topic Roll call", false)
	esteban("#meet", "here")
	nirik("#meet", "morning")
	tc.waitScreen(ctx, "stbnruiz 1 ✓ (stbnruiz001)", "nirik 1 ✓", "roll call 3")
	tc.key("F2")
	meet.waitFor(t, ctx, "chair #topic Mirror migration", false)
	meet.waitFor(t, ctx, "chair #link https://pagure.io/fedora-infrastructure/issue/9001", false)
	tc.waitScreen(ctx, "▶ 1. Mirror migration", "/15:00")
	if !regexp.MustCompile(`topic \d:\d\d/15:00`).MatchString(tc.screen()) {
		t.Errorf("no timebox in the status bar:\n%s", tc.screen())
	}
	say(meet, "#action nirik to migrate the mirrors")
	say(meet, "#action pingou to update the docs")
	tc.typeLine("/next")
	meet.waitFor(t, ctx, "chair #topic Proxy upgrade", false)
	tc.typeLine("/agenda add Security audit [5m]")
	tc.waitScreen(ctx, "5. Security audit [5m]")
	tc.typeLine("/agenda skip 3")
	tc.waitScreen(ctx, "↷ 3. Backups")
	say(meet, "#endmeeting")
	tc.waitScreen(ctx, "agenda: kept 3 items not reached")
	first, _ := filepath.Glob(filepath.Join(archive, "meet", "*", "infrastructure.*.txt"))
	first = slicesWithout(first, ".log.txt")
	if len(first) != 1 {
		t.Fatalf("first minutes: %v", first)
	}
	firstStart, err := time.Parse("2006-01-02-15.04", strings.TrimSuffix(strings.TrimPrefix(filepath.Base(first[0]), "infrastructure."), ".txt"))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(first[0])
	for _, want := range []string{"Roll call", "Mirror migration", "https://pagure.io/fedora-infrastructure/issue/9001", "Proxy upgrade"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the first minutes lack %q:\n%s", want, text)
		}
	}

	// FESCo: the agenda from Pagure, a vote with a roster and a quorum.
	tc.typeLine("/window 3")
	tc.waitScreen(ctx, "Agenda (3)", "1. #3150 Update the packaging")
	say(fesco, "#startmeeting FESCo")
	tc.key("F2")
	fesco.waitFor(t, ctx, "chair #topic #3150 Update the packaging guidelines exception for Example", false)
	fesco.waitFor(t, ctx, "chair #link https://pagure.io/fesco/issue/3150", false)
	tc.key("F2") // a hostile title is one line, and ends nothing
	fesco.waitFor(t, ctx, "chair #topic #3188 Nonresponsive maintainer: <script>alert(1)</script> package #endmeeting", false)
	tc.typeLine("/voters group:sysadmin-web")
	fesco.waitFor(t, ctx, "chair #info Voters: lmacken, nirik, pingou, puiterwijk, relrod, threebean", false)
	tc.typeLine("/quorum 50%")
	fesco.waitFor(t, ctx, "chair #info Voters: lmacken, nirik, pingou, puiterwijk, relrod, threebean; quorum 3 (50%)", false)
	say(fesco, "#startvote Grant the exception? +1, 0, -1")
	nirik("#fesco", "#vote +1")
	pingou("#fesco", "#vote +1")
	tc.waitScreen(ctx, "✓ nirik +1", "✓ pingou +1", "· relrod", "2/6 voted · quorum 3 ✗ not met")
	relrod("#fesco", "#vote -1")
	tc.waitScreen(ctx, "3/6 voted · quorum 3 ✓ met")
	say(fesco, "#endvote")
	tc.waitScreen(ctx, "› #agreed Grant the exception? (+2, 0, -1)", "did not vote: lmacken, puiterwijk, threebean")
	tc.key("Enter")
	fesco.waitFor(t, ctx, "chair #agreed Grant the exception? (+2, 0, -1)", false)
	say(fesco, "#endmeeting")
	tc.waitScreen(ctx, "agenda: kept 1 item not reached")

	// The next meeting of the first name may start in the same minute,
	// even the same second: the archive keeps it apart (name-2) and still
	// finds the first, and a replay of each log alone, below, writes each
	// meeting's own files.
	tc.typeLine("/window 2")
	say(meet, "#startmeeting Infrastructure")
	date := firstStart.Format("2006-01-02")
	tc.waitScreen(ctx, "agenda: 3 items left over from the meeting infrastructure", "follow-up: the meeting infrastructure of "+date,
		"from "+date+" (2)", "1. nirik to migrate the mirrors")
	tc.typeLine("/agenda take")
	tc.waitScreen(ctx, "1. Backups (left over)")
	tc.typeLine("/followup")
	meet.waitFor(t, ctx, "chair #topic Follow-up on actions from "+date, false)
	tc.typeLine("/done 1")
	meet.waitFor(t, ctx, "chair #info done: nirik to migrate the mirrors", false)
	tc.typeLine("/carry 2")
	meet.waitFor(t, ctx, "chair #action pingou to update the docs", false)
	tc.key("F2")
	meet.waitFor(t, ctx, "chair #topic Backups", false)
	say(meet, "#endmeeting")
	tc.waitScreen(ctx, "agenda: kept 2 items not reached")
	all, _ := filepath.Glob(filepath.Join(archive, "meet", "*", "infrastructure*.txt"))
	all = slicesWithout(all, ".log.txt")
	sortBySuffix(all)
	if len(all) != 2 {
		t.Fatalf("minutes: %v", all)
	}
	second, _ := os.ReadFile(all[1])
	for _, want := range []string{"Follow-up on actions from " + date, "done: nirik to migrate the mirrors",
		"ACTION: pingou to update the docs", "Backups"} {
		if !strings.Contains(string(second), want) {
			t.Errorf("the second minutes lack %q:\n%s", want, second)
		}
	}
	// A replay of the channel's log gives the same minutes: the console
	// put nothing in them that the channel did not see.
	for _, m := range all {
		logTxt := strings.TrimSuffix(m, ".txt") + ".log.txt"
		out := filepath.Join(dir, "replayed")
		code, stdout, stderr := gavel(t, nil, "replay", logTxt, "--out", out)
		if code != 0 {
			t.Fatalf("gavel replay %s: %d %s", logTxt, code, stderr)
		}
		rel, _ := filepath.Rel(archive, m)
		published, _ := os.ReadFile(m)
		replayed, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil || string(replayed) != string(published) {
			head, _ := os.ReadFile(logTxt)
			if len(head) > 400 {
				head = head[:400]
			}
			t.Errorf("the replay of %s differs (%v):\n%s\n--- published:\n%s\n--- replay said:\n%s%s\n--- its log begins:\n%s", rel, err, replayed, published, stdout, stderr, head)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, "state", "agenda", "*", "%23meet", "infrastructure.json"))
	if len(left) != 1 {
		t.Fatalf("leftovers file: %v", left)
	}
	if b, _ := os.ReadFile(left[0]); !strings.Contains(string(b), `"Open floor"`) || !strings.Contains(string(b), `"Security audit"`) {
		t.Errorf("leftovers: %s", b)
	}
}

// sortBySuffix orders the files of meetings of one name as the archive
// named them, one after another: the natural name first, then "-2", "-3"…
// within a minute, and the minutes in time order (their file names' stamps).
func sortBySuffix(names []string) {
	key := func(n string) string {
		base := filepath.Base(n)
		name, stamp, _ := strings.Cut(base, ".")
		suffix := 1
		if i := strings.LastIndexByte(name, '-'); i >= 0 {
			if k, err := strconv.Atoi(name[i+1:]); err == nil {
				suffix = k
			}
		}
		return fmt.Sprintf("%s %06d", stamp, suffix)
	}
	sort.SliceStable(names, func(i, j int) bool { return key(names[i]) < key(names[j]) })
}

// slicesWithout drops the names ending in suffix.
func slicesWithout(names []string, suffix string) []string {
	var out []string
	for _, n := range names {
		if !strings.HasSuffix(n, suffix) {
			out = append(out, n)
		}
	}
	return out
}
