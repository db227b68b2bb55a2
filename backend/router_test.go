package backend

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"gavel/backend/fas"
	"gavel/backend/fetch"
	"gavel/backend/internal/testsrv"
	"gavel/backend/mirrors"
	"gavel/backend/pkgs"
	"gavel/backend/snapshot"
)

// deviations are golden cases where gavel answers better than zodbot on
// purpose; the replacement reply is asserted instead.
var deviations = map[string][]string{
	// supybot-fedora in FASJSON mode lower-cases only the query; the doc
	// asks the console to lower-case both sides.
	".fas esteban": {"stbnruiz: stbnruiz001 'Esteban Ruiz Diaz Baez' <stbnruiz001@gmail.com>"},
}

type liveServers struct {
	cfg Config
	fas *testsrv.Counter
}

// replayLive starts loopback servers replaying the modern fixtures and a
// Config pointing at them.
func replayLive(t testing.TB) *liveServers {
	t.Helper()
	m := testsrv.Manifest(t)
	sel := snapshot.Selector{Eras: []string{"modern"}}
	fasCount := &testsrv.Counter{H: m.Handler(sel, fas.DefaultBaseURL)}
	fs := httptest.NewServer(fasCount)
	t.Cleanup(fs.Close)
	return &liveServers{fas: fasCount, cfg: Config{
		FASURL:       fs.URL,
		DistGitURL:   testsrv.Replay(t, m, sel, pkgs.DefaultDistGitURL).URL,
		MdapiURL:     testsrv.Replay(t, m, sel, pkgs.DefaultMdapiURL).URL,
		LookasideURL: testsrv.Replay(t, m, sel, pkgs.DefaultLookasideURL).URL,
		MirrorsURL:   testsrv.Replay(t, m, sel, mirrors.DefaultBaseURL).URL,
		NoFallback:   true,
		Timeout:      5 * time.Second,
	}}
}

func newRouter(t testing.TB, cfg Config) *Router {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGolden runs every supybot case of fixtures/zodbot/golden-modern.json
// through the channel path and the console path, live (against the
// replayed fixtures) and from the embedded offline snapshot.
func TestGolden(t *testing.T) {
	live := replayLive(t)
	routers := map[string]*Router{
		SourceLive:    newRouter(t, live.cfg),
		SourceOffline: newRouter(t, Config{Offline: true}),
	}
	cases := testsrv.Golden(t, "golden-modern.json")
	n := 0
	for _, gc := range cases {
		if gc.Bot != "supybot" {
			continue // maubot's Matrix replies are not gavel's channel format
		}
		n++
		want := gc.Replies
		if d, ok := deviations[gc.Input]; ok {
			want = d
		}
		for src, r := range routers {
			t.Run(src+" "+gc.Input, func(t *testing.T) {
				ctx := context.Background()
				got, ok := r.Channel(ctx, gc.Nick, gc.Input)
				if !ok {
					t.Fatalf("%q not taken as a command", gc.Input)
				}
				cmd, args, _ := ParseCommand(".", gc.Input)
				wantCh := want
				if res, err := r.Lookup(ctx, cmd, args); err == nil && res.Source == SourceOffline && len(want) > 0 {
					// An answer from the snapshot says so in the channel,
					// at its end.
					wantCh = slices.Clone(want)
					wantCh[len(wantCh)-1] += " " + r.OfflineNote()
				}
				if strings.Join(got, "\n") != strings.Join(wantCh, "\n") {
					t.Fatalf("channel replies\n got %q\nwant %q", got, wantCh)
				}
				// The console path: the same lookup as a table.
				res, err := r.Lookup(ctx, cmd, args)
				if err != nil {
					if !errors.Is(err, fetch.ErrNotFound) {
						t.Fatalf("Lookup error %v", err)
					}
					return
				}
				if res.Source != src || len(res.Rows) == 0 || len(res.Columns) == 0 || res.Title == "" {
					t.Fatalf("result %+v", res)
				}
				for i, l := range res.Reply {
					if gc.Nick+": "+l != want[i] {
						t.Errorf("Result.Reply[%d] = %q, want %q", i, l, want[i])
					}
				}
			})
		}
	}
	if n < 15 {
		t.Fatalf("only %d golden cases", n)
	}
}

// TestOfflineExtraCommands covers the commands zodbot never had.
func TestOfflineExtraCommands(t *testing.T) {
	r := newRouter(t, Config{Offline: true})
	snap := " " + r.OfflineNote() // answers from the snapshot say so
	tests := []struct{ in, want string }{
		{".branches pagure", "nick: epel10 epel9 f41 f42 rawhide" + snap},
		{".branches irc3", "nick: No such package exists."},
		{".sources pagure", "nick: pagure (rawhide): pagure-5.14.1.tar.gz (sha512 66e5c430705f…)" + snap},
		{".lookaside mirrormanager2 mirrormanager2-1.0.1.tar.gz", "nick: mirrormanager2-1.0.1.tar.gz: Available (sha512 verified, 68 bytes) - https://src.fedoraproject.org/repo/pkgs/rpms/mirrormanager2/mirrormanager2-1.0.1.tar.gz/sha512/c3987a3b70d958bf389d61038a5999c3e3a763473d25ccdae25a7468540f76229716d5c2de72c16582bb06125b123940e88a94d2ef016591bf764c6d0d8759ef/mirrormanager2-1.0.1.tar.gz" + snap},
		{".lookaside pagure nope.tar.gz", "nick: pkgs: 'nope.tar.gz' is not in the sources file of pagure (rawhide) in the offline snapshot"},
		{".mirrors fedora-42 x86_64 DE", "nick: fedora-42 x86_64 (country = DE): fedora.fra.example.net [DE https], fedora.muc.example.net [DE https]" + snap},
		// No country: the snapshot has fedora-42 only for DE, so that.
		{".mirrors fedora-42 x86_64", "nick: fedora-42 x86_64 (country = DE): fedora.fra.example.net [DE https], fedora.muc.example.net [DE https]" + snap},
		{".mirrors fedora-23 x86_64", "nick: fedora-23 x86_64 (country = US): fedora.mirrors.example.edu [US https], mirror.chi.example.net [US http], mirror.bos.example.com [US https]" + snap},
		{".mirrors fedora-99 x86_64", "nick: mirrors: no repo 'fedora-99' for arch 'x86_64' (try epel-7 x86_64, fedora-42 i386, fedora-42 x86_64, fedora-debug-42 x86_64, and 4 more) in the offline snapshot"},
		{".fas", "nick: usage: .fas <name, e-mail, nick or part of one>"},
		{".fasinfo nosuchuser", "nick: User \"nosuchuser\" doesn't exist"},
		{".whoowns ../etc", "nick: pkgs: '../etc' is not a valid package name"},
	}
	for _, tc := range tests {
		got, ok := r.Channel(context.Background(), "nick", tc.in)
		if !ok || len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	if _, ok := r.Channel(context.Background(), "nick", ".startmeeting x"); ok {
		t.Error("a meeting command was taken as a lookup")
	}
	if _, ok := r.Channel(context.Background(), "nick", "hello .fas x"); ok {
		t.Error("a plain line was taken as a lookup")
	}
}

func TestCompletionNames(t *testing.T) {
	r := newRouter(t, Config{Offline: true})
	if u := r.Users(); len(u) < 10 || !contains(u, "nirik") {
		t.Errorf("users %v", u)
	}
	if p := r.Packages(); !contains(p, "pagure") || contains(p, "irc3") {
		t.Errorf("packages %v", p)
	}
	cs := r.Commands()
	if len(cs) < 10 || cs[0].Name != "admins" {
		t.Errorf("commands %v", cs)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestFallback: a live service that does not answer in time, or answers
// 5xx, gives way to the snapshot, and the result says so; a 401 does not.
func TestFallback(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(slow.Close)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusBadGateway)
	}))
	t.Cleanup(broken.Close)
	unauth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		_, _ = w.Write([]byte(`{"message": "Re-authentication is necessary."}`))
	}))
	t.Cleanup(unauth.Close)
	ctx := context.Background()

	r := newRouter(t, Config{FASURL: slow.URL, DistGitURL: broken.URL, Timeout: 30 * time.Millisecond})
	res, err := r.Lookup(ctx, "fasinfo", []string{"nirik"})
	if err != nil || res.Source != SourceOffline || !strings.Contains(res.Note, "FASJSON timed out after 30ms") {
		t.Fatalf("slow: %+v %v", res, err)
	}
	res, err = r.Lookup(ctx, "whoowns", []string{"pagure"})
	if err != nil || res.Source != SourceOffline || !strings.Contains(res.Note, "dist-git answered 502") {
		t.Fatalf("5xx: %+v %v", res, err)
	}
	// Not in the snapshot either: the live error is reported.
	_, err = r.Lookup(ctx, "whoowns", []string{"kernel"})
	if err == nil || err.Error() != "pkgs: dist-git answered 502 Bad Gateway" {
		t.Fatalf("err = %v", err)
	}
	got, _ := r.Channel(ctx, "nick", ".whoowns kernel")
	if len(got) != 1 || got[0] != "nick: pkgs: dist-git answered 502 Bad Gateway" {
		t.Fatalf("channel %q", got)
	}

	r = newRouter(t, Config{FASURL: unauth.URL})
	_, err = r.Lookup(ctx, "fasinfo", []string{"nirik"})
	if !errors.Is(err, fetch.ErrUnauthenticated) || !strings.Contains(err.Error(), "Kerberos") {
		t.Fatalf("401: %v", err)
	}

	r = newRouter(t, Config{FASURL: slow.URL, NoFallback: true, Timeout: 30 * time.Millisecond})
	if _, err = r.Lookup(ctx, "fasinfo", []string{"nirik"}); err == nil || err.Error() != "fas: FASJSON timed out after 30ms" {
		t.Fatalf("no fallback: %v", err)
	}
}

// hostile serves a FASJSON whose data tries to inject IRC lines and
// formatting, and a group with 500 members.
func hostile(t *testing.T) *Router {
	evil := "Evil\x02\x034,5Red\x0f\r\nPRIVMSG #fedora-admin :pwned\x07\u2028x"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/users/evil/":
			name, _ := json.Marshal(evil)
			fmt.Fprintf(w, `{"result": {"username": "evil", "human_name": %s, "emails": ["e@x"], "ircnicks": ["irc:/ev\nil"], "timezone": "UTC"}}`, name)
		case "/v1/users/evil/groups/":
			fmt.Fprint(w, `{"result": [{"groupname": "g\r\nQUIT"}]}`)
		case "/v1/groups/big/members/":
			var b strings.Builder
			b.WriteString(`{"result": [`)
			for i := 0; i < 500; i++ {
				if i > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, `{"username": "member%03d"}`, i)
			}
			b.WriteString(`]}`)
			fmt.Fprint(w, b.String())
		default:
			w.WriteHeader(404)
			fmt.Fprint(w, `{"message": "not found"}`)
		}
	}))
	t.Cleanup(srv.Close)
	return newRouter(t, Config{FASURL: srv.URL, NoFallback: true, LineBytes: LineBudget("gavel!~gavel@example.org", "#fedora-admin")})
}

func TestHostileData(t *testing.T) {
	r := hostile(t)
	ctx := context.Background()
	for _, in := range []string{".fasinfo evil", ".hellomynameis evil", ".wikilink evil", ".members big"} {
		got, ok := r.Channel(ctx, "ni\rck", in)
		if !ok || len(got) == 0 {
			t.Fatalf("%s: no reply", in)
		}
		for _, l := range got {
			if strings.ContainsAny(l, "\r\n\x00\x02\x03\x07\x0f") || strings.Contains(l, "\u2028") || !utf8.ValidString(l) {
				t.Errorf("%s: unsafe reply %q", in, l)
			}
			if len(":gavel!~gavel@example.org PRIVMSG #fedora-admin :"+l+"\r\n") > IRCLineMax {
				t.Errorf("%s: reply of %d bytes does not fit an IRC line", in, len(l))
			}
		}
	}
	got, _ := r.Channel(ctx, "nick", ".members big")
	if !strings.HasPrefix(got[0], "nick: Members of big: member000, member001") || !strings.HasSuffix(got[0], "more") || !strings.Contains(got[0], "… and ") {
		t.Errorf("long list not cut: %q", got[0])
	}
	res, err := r.Lookup(ctx, "members", []string{"big"})
	if err != nil || len(res.Rows) != 500 {
		t.Fatalf("the console keeps every row: %d %v", len(res.Rows), err)
	}
	res, err = r.Lookup(ctx, "fasinfo", []string{"evil"})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range res.Rows {
		for _, cell := range row {
			if strings.ContainsAny(cell, "\r\n\x02\x03\x07") {
				t.Errorf("unsafe cell %q", cell)
			}
		}
	}
}

// TestSingleFlight: a hundred people asking ".fas nirik" at once cost one
// request.
func TestSingleFlight(t *testing.T) {
	live := replayLive(t)
	r := newRouter(t, live.cfg)
	var wg sync.WaitGroup
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, _ := r.Channel(context.Background(), "nick", ".fas nirik")
			if len(got) != 1 || !strings.HasPrefix(got[0], "nick: nirik 'Kevin Fenzi'") {
				t.Errorf("reply %q", got)
			}
		}()
	}
	wg.Wait()
	if n := live.fas.N.Load(); n != 1 {
		t.Fatalf("%d requests to FASJSON, want 1", n)
	}
}

func TestLookupErrors(t *testing.T) {
	r := newRouter(t, Config{Offline: true})
	ctx := context.Background()
	if _, err := r.Lookup(ctx, "nope", nil); err == nil || !strings.HasPrefix(err.Error(), "unknown lookup") {
		t.Errorf("err = %v", err)
	}
	if _, err := r.Lookup(ctx, "mirrors", []string{"fedora-42"}); err == nil || !strings.HasPrefix(err.Error(), "usage: mirrors") {
		t.Errorf("err = %v", err)
	}
	if _, err := r.Lookup(ctx, "/fas", []string{"nosuchperson"}); err == nil || err.Error() != "fas: no account matches 'nosuchperson' in the offline snapshot" {
		t.Errorf("err = %v", err)
	}
	res, err := r.Lookup(ctx, "/localtime", []string{"nirik"})
	if err != nil || len(res.Reply) != 1 || !strings.Contains(res.Reply[0], "America/Denver") {
		t.Errorf("%+v %v", res, err)
	}
}

func TestAddressCapsLines(t *testing.T) {
	r := newRouter(t, Config{Offline: true, MaxLines: 2, LineBytes: 40})
	got := r.address("nick", []string{"one", "two", "three", strings.Repeat("x", 100)})
	if len(got) != 2 || got[1] != "nick: … and 3 more lines" {
		t.Fatalf("%q", got)
	}
	got = r.address("nick", []string{strings.Repeat("é", 100)})
	if len(got[0]) > 40 || !utf8.ValidString(got[0]) {
		t.Fatalf("%q", got)
	}
}

func TestCleanAndFit(t *testing.T) {
	tests := map[string]string{
		"plain":                   "plain",
		"\x02bold\x02":            "bold",
		"\x0304,12red\x03 x":      "red x",
		"\x03,5not colour":        ",5not colour",
		"\x04ff0000,00ff00hex":    "hex",
		"a\r\nb":                  "a  b",
		"tab\there":               "tab here",
		"bad \xff utf8":           "bad \ufffd utf8",
		"ümlaut\u0085next\u2029p": "ümlaut next p",
	}
	for in, want := range tests {
		if got := Clean(in); got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
	}
	if got := fitList("L: ", []string{"aaa", "bbb", "ccc", "ddd", "eee", "fff"}, ", ", 28); got != "L: aaa, bbb, … and 4 more" {
		t.Errorf("fitList = %q", got)
	}
	if got := fitList("L: ", []string{"aaaaaaaaaaaaaaaaaaaa"}, ", ", 20); got != "L: … and 1 more" {
		t.Errorf("fitList = %q", got)
	}
	if got := fitList("L: ", []string{"a", "b"}, " ", 30); got != "L: a b" {
		t.Errorf("fitList = %q", got)
	}
	if got := LineBudget("gavel!~g@h", "#c"); got != 512-len(":gavel!~g@h PRIVMSG #c :")-2 {
		t.Errorf("LineBudget = %d", got)
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{".fas nirik", ".MIRRORS fedora-42 x86_64 DE", ".", ". fas", "nirik: ping", ".fas\x02 x\r\n", ".whoowns ../../x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		cmd, args, ok := ParseCommand(".", line)
		if !ok {
			return
		}
		if cmd == "" || cmd != strings.ToLower(cmd) || !isWord(cmd) || len(args) > 16 {
			t.Fatalf("ParseCommand(%q) = %q %q", line, cmd, args)
		}
		for _, a := range args {
			if a == "" || strings.ContainsAny(a, " \t\r\n") {
				t.Fatalf("bad argument %q from %q", a, line)
			}
		}
	})
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"plain", "\x034,5x\x0f", "a\r\nPRIVMSG #x :y", "\xff\xfe", "\x04ffffff,000000z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Clean(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q", in)
		}
		for _, r := range out {
			if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' {
				t.Fatalf("control %U left in %q", r, out)
			}
		}
	})
}
