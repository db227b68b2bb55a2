package publish

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"gavel/meeting"
)

// run feeds lines said by chair through an engine and a writer of a, one
// second apart from at, and returns the meeting and every error.
func run(t *testing.T, a *Archive, channel string, at time.Time, lines ...string) (*meeting.Meeting, []File, []error) {
	t.Helper()
	e := meeting.NewEngine(meeting.Options{Channel: channel, Style: a.Style, URLPrefix: a.URLPrefix})
	w := a.Writer()
	files, errs := feed(e, w, at, lines...)
	return e.Meeting(), files, errs
}

// walk lists the files under root, relative, and checks that every name
// fits and is valid UTF-8.
func walk(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Name()) > 255 || !utf8.ValidString(d.Name()) {
			t.Errorf("name of %d bytes (valid UTF-8: %v): %q", len(d.Name()), utf8.ValidString(d.Name()), d.Name())
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// TestTheFileSystemLimitIsReal makes sure the tests below run where names
// are limited to 255 bytes, and that the longest file the archive creates,
// the temporary file of an atomic write of a .log.html with a ten-digit
// number, is exactly that long for the longest base name.
func TestTheFileSystemLimitIsReal(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, strings.Repeat("x", 256)), nil, 0o644); !errors.Is(err, syscall.ENAMETOOLONG) {
		t.Fatalf("a 256-byte name: err = %v, want ENAMETOOLONG", err)
	}
	longest := "." + strings.Repeat("b", meeting.MaxBaseName) + ".log.html" + ".tmp-" + "4294967295"
	if len(longest) != 255 {
		t.Fatalf("the longest temporary name is %d bytes", len(longest))
	}
	if err := os.WriteFile(filepath.Join(dir, longest), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLongTitlesPublish: a 240-character title, ASCII or not,
// in both styles: every file is written, with names cut on a UTF-8
// boundary to fit in 255 bytes, temporary files included, and the URLs the
// engine announces are the files'.
func TestLongTitlesPublish(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		for _, title := range []string{strings.Repeat("long title ", 22), strings.Repeat("ü", 240), "x" + strings.Repeat("日本", 120)} {
			root := t.TempDir()
			a := New(root, style, "https://m.example/")
			e := meeting.NewEngine(meeting.Options{Channel: "#meet", Style: style, URLPrefix: a.URLPrefix})
			w := a.Writer()
			files, errs := feed(e, w, start, "#startmeeting "+title, "#info one", "#endmeeting")
			if len(errs) != 0 {
				t.Fatalf("%s %q: %v", style, title[:10], errs)
			}
			names := walk(t, root)
			if want := len(files); len(names) != want || want < 4 {
				t.Errorf("%s: %d files on disk, %d written: %v", style, len(names), want, names)
			}
			m := e.Meeting()
			if n := len(m.BaseName()); n > meeting.MaxBaseName || n < meeting.MaxBaseName-2 {
				t.Errorf("%s: base name of %d bytes, want the longest that fits (%d, less a cut character)", style, n, meeting.MaxBaseName)
			}
			for _, f := range files {
				if _, err := os.Stat(f.Path); err != nil || !strings.HasPrefix(f.URL, "https://m.example/"+m.RelBase()) {
					t.Errorf("%s: %v, URL %q", f.Path, err, f.URL)
				}
			}
		}
	}
}

// TestSameNameSameMinuteKeepApart: two meetings of one
// channel with the same name in the same minute, and meetings of two
// channels whose names reduce to the same directory (#x/y and #x_y), never
// overwrite each other: the second gets "-2" after its name, and says so
// in its URLs.
func TestSameNameSameMinuteKeepApart(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		root := t.TempDir()
		a := New(root, style, "https://m.example/")
		_, _, errs := run(t, a, "#meet", start, "#startmeeting Weekly", "#info first", "#endmeeting")
		m2, _, errs2 := run(t, a, "#meet", start.Add(30*time.Second), "#startmeeting Weekly", "#info second", "#endmeeting")
		if len(errs)+len(errs2) != 0 {
			t.Fatal(errs, errs2)
		}
		dir := filepath.Join(root, "meet", "2026-11-24")
		first, _ := os.ReadFile(filepath.Join(dir, "weekly.2026-11-24-18.00.txt"))
		second, _ := os.ReadFile(filepath.Join(dir, "weekly-2.2026-11-24-18.00.txt"))
		if !strings.Contains(string(first), "first") || strings.Contains(string(first), "second") || !strings.Contains(string(second), "second") {
			t.Errorf("%s: first:\n%s\nsecond:\n%s", style, first, second)
		}
		if got := m2.RelBase(); got != "meet/2026-11-24/weekly-2.2026-11-24-18.00" {
			t.Errorf("%s: second meeting's path %q", style, got)
		}
		// A renamed meeting whose new name is taken keeps apart too.
		_, _, errs = run(t, a, "#meet", start.Add(40*time.Second), "#startmeeting Other", "#meetingname weekly", "#info third", "#endmeeting")
		third, _ := os.ReadFile(filepath.Join(dir, "weekly-3.2026-11-24-18.00.txt"))
		if len(errs) != 0 || !strings.Contains(string(third), "third") {
			t.Errorf("%s: renamed into a taken name: %v\n%s", style, errs, third)
		}
	}
	// Channels that reduce to one directory in the default style.
	root := t.TempDir()
	a := New(root, meeting.StyleDefault, "")
	_, _, errs := run(t, a, "#x/y", start, "#startmeeting Same", "#info slash", "#endmeeting")
	_, _, errs2 := run(t, a, "#x_y", start, "#startmeeting Same", "#info underscore", "#endmeeting")
	if len(errs)+len(errs2) != 0 {
		t.Fatal(errs, errs2)
	}
	dir := filepath.Join(root, "x_y", "2026-11-24")
	one, _ := os.ReadFile(filepath.Join(dir, "same.2026-11-24-18.00.txt"))
	two, _ := os.ReadFile(filepath.Join(dir, "same-2.2026-11-24-18.00.txt"))
	if !strings.Contains(string(one), "slash") || !strings.Contains(string(two), "underscore") {
		t.Errorf("one:\n%s\ntwo:\n%s", one, two)
	}
}

// TestRegenerationOverwritesItsOwnFiles: replaying the same log again
// (Archive.Regenerate) writes over its own files rather than beside them;
// live, a second meeting whose first line is the same to the second (the
// chair started the name again at once) never takes the first one's
// files: it gets its own "-2" ones.
func TestRegenerationOverwritesItsOwnFiles(t *testing.T) {
	for _, regen := range []bool{true, false} {
		root := t.TempDir()
		for i := range 2 {
			a := New(root, meeting.StyleDefault, "")
			a.Regenerate = regen
			m, _, errs := run(t, a, "#meet", start, "#startmeeting Again", "#info same", "#endmeeting")
			want := "again.2026-11-24-18.00"
			if i == 1 && !regen {
				want = "again-2.2026-11-24-18.00"
			}
			if len(errs) != 0 || m.BaseName() != want {
				t.Fatalf("regenerate %v, run %d: %v, base %q, want %q", regen, i, errs, m.BaseName(), want)
			}
		}
		want := 6
		if !regen {
			want = 12
		}
		if names := walk(t, root); len(names) != want {
			t.Errorf("regenerate %v: files: %v", regen, names)
		}
	}
}

// TestSymlinksNeverLeadOutOfTheArchive: a symbolic link in the
// archive that points out of it (the channel's directory, the day's) makes
// publishing fail with a clear error, and nothing is written outside; a
// link standing at a file's name is replaced, not written through.
func TestSymlinksNeverLeadOutOfTheArchive(t *testing.T) {
	for _, link := range []string{"meet", "meet/2026-11-24"} {
		root, outside := t.TempDir(), t.TempDir()
		os.MkdirAll(filepath.Dir(filepath.Join(root, link)), 0o755)
		if err := os.Symlink(outside, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
		a := New(root, meeting.StyleDefault, "")
		_, _, errs := run(t, a, "#meet", start, "#startmeeting Escape", "#endmeeting")
		if len(errs) == 0 || !errors.Is(errs[0], ErrOutsideRoot) || !strings.Contains(errs[0].Error(), "symbolic link") {
			t.Errorf("link at %s: errors %v, want ErrOutsideRoot", link, errs)
		}
		if names := walk(t, outside); len(names) != 0 {
			t.Errorf("link at %s: written outside the archive: %v", link, names)
		}
	}
	// A link at a final file name, pointing outside, is replaced.
	root, outside := t.TempDir(), t.TempDir()
	dir := filepath.Join(root, "meet", "2026-11-24")
	os.MkdirAll(dir, 0o755)
	target := filepath.Join(outside, "victim")
	os.WriteFile(target, []byte("keep me"), 0o644)
	os.Symlink(target, filepath.Join(dir, "escape.2026-11-24-18.00.html"))
	a := New(root, meeting.StyleDefault, "")
	_, _, errs := run(t, a, "#meet", start, "#startmeeting Escape", "#endmeeting")
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep me" {
		t.Errorf("the link's target was written: %q", b)
	}
	if st, err := os.Lstat(filepath.Join(dir, "escape.2026-11-24-18.00.html")); err != nil || !st.Mode().IsRegular() {
		t.Errorf("the minutes are not a file of the archive: %v %v", st, err)
	}
}

// TestPresetPathTakenAgain: a path in the meeting's Paths before its
// session needs it (what a crashed gavel chose, from the journal) is taken
// again when it is one of the name's candidates and free, without asking
// OnSettle; otherwise the search goes on as usual and OnSettle hears of
// the path it chose.
func TestPresetPathTakenAgain(t *testing.T) {
	const dir = "meet/2026-11-24/"
	for _, tt := range []struct {
		name, preset, other, want string
	}{
		{"candidate", dir + "team-3.2026-11-24-18.00", "", dir + "team-3.2026-11-24-18.00"},
		{"not a candidate", dir + "other.2026-11-24-18.00", "", dir + "team.2026-11-24-18.00"},
		{"outside", "../team.2026-11-24-18.00", "", dir + "team.2026-11-24-18.00"},
		{"another meeting's", dir + "team-3.2026-11-24-18.00", "team-3", dir + "team.2026-11-24-18.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			a := New(root, meeting.StyleDefault, "")
			if tt.other != "" {
				os.MkdirAll(filepath.Join(root, dir), 0o755)
				os.WriteFile(filepath.Join(root, dir, tt.other+".2026-11-24-18.00.log.txt"), []byte("17:59:00 <x> another meeting"), 0o644)
			}
			e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
			w := a.Writer()
			var settled []string
			w.OnSettle = func(m *meeting.Meeting, name, rel string) { settled = append(settled, name+" "+rel) }
			for i, text := range []string{"#startmeeting Team", "#info one", "#endmeeting"} {
				effects := e.Handle(meeting.Message{Time: start.Add(time.Duration(i) * time.Second), Nick: "chair", Text: text})
				if i == 0 {
					e.Meeting().Paths = map[string]string{"team": tt.preset}
				}
				for _, eff := range effects {
					if _, err := w.Apply(e.Meeting(), eff); err != nil {
						t.Fatal(err)
					}
				}
			}
			if got := e.Meeting().RelBase(); got != tt.want {
				t.Errorf("RelBase = %q, want %q", got, tt.want)
			}
			if _, err := os.Stat(filepath.Join(root, tt.want+".log.txt")); err != nil {
				t.Error(err)
			}
			var want []string
			if tt.want != tt.preset {
				want = []string{"team " + tt.want}
			}
			if !slices.Equal(settled, want) {
				t.Errorf("OnSettle heard %q, want %q", settled, want)
			}
		})
	}
}

// TestSameSecondMeetingsKeepTheirFiles: two meetings of one name begun in
// the same second (their logs' first lines are the same), each
// regenerated alone, as separate processes would: each writes its own
// files, never the other's, run after run, in either order. With no log
// file to go by, the whole log tells them apart; with their logs named as
// an archive names them (name and name-2), each takes the files its log
// is named for, into a fresh archive as in place.
func TestSameSecondMeetingsKeepTheirFiles(t *testing.T) {
	const day = "meet/2026-11-24/"
	lines := func(info string) []string { return []string{"#startmeeting Twin", "#info " + info, "#endmeeting"} }
	regenerate := func(t *testing.T, root string, src os.FileInfo, inputs []os.FileInfo, info string) string {
		t.Helper()
		a := New(root, meeting.StyleZodbot, "")
		a.Regenerate = true
		a.KeepInputs(inputs...)
		e := meeting.NewEngine(meeting.Options{Channel: "#meet", Style: meeting.StyleZodbot})
		w := a.Writer()
		if src != nil {
			w.Source = &Source{Log: src}
		}
		if _, errs := feed(e, w, start, lines(info)...); len(errs) != 0 {
			t.Fatal(errs)
		}
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		return e.Meeting().RelBase()
	}
	check := func(t *testing.T, root string) {
		t.Helper()
		for base, info := range map[string]string{"twin": "first", "twin-2": "second"} {
			b, err := os.ReadFile(filepath.Join(root, day+base+".2026-11-24-18.00.txt"))
			if err != nil || !strings.Contains(string(b), info) {
				t.Errorf("%s: %v\n%s", base, err, b)
			}
		}
		if names := walk(t, root); len(names) != 2*4 {
			t.Errorf("files: %v", names)
		}
	}
	// No log file: the first takes the name, the second keeps apart.
	inputs := t.TempDir()
	for _, order := range [][]string{{"first", "second"}, {"first", "second"}, {"second", "first"}} {
		for _, info := range order {
			want := map[string]string{"first": day + "twin.2026-11-24-18.00", "second": day + "twin-2.2026-11-24-18.00"}[info]
			if got := regenerate(t, inputs, nil, nil, info); got != want {
				t.Fatalf("%s: %s, want %s", info, got, want)
			}
		}
	}
	check(t, inputs)
	// Their logs, named as the archive above names them, as inputs.
	var logs []os.FileInfo
	for _, base := range []string{"twin", "twin-2"} {
		st, err := os.Stat(filepath.Join(inputs, day+base+".2026-11-24-18.00.log.txt"))
		if err != nil {
			t.Fatal(err)
		}
		logs = append(logs, st)
	}
	for _, inPlace := range []bool{false, true} {
		root := t.TempDir()
		if inPlace {
			root = inputs
		}
		for run := range 2 {
			// The second meeting's log first: it still takes name-2.
			for _, i := range []int{1, 0} {
				info := []string{"first", "second"}[i]
				want := day + []string{"twin", "twin-2"}[i] + ".2026-11-24-18.00"
				if got := regenerate(t, root, logs[i], logs, info); got != want {
					t.Fatalf("in place %v, run %d, %s: %s, want %s", inPlace, run+1, info, got, want)
				}
			}
			check(t, root)
		}
	}
	for i, base := range []string{"twin", "twin-2"} {
		if st, err := os.Stat(filepath.Join(inputs, day+base+".2026-11-24-18.00.log.txt")); err != nil || !os.SameFile(st, logs[i]) {
			t.Errorf("%s: the input log was replaced: %v", base, err)
		}
	}
}

// TestFileWrittenMeanwhileIsNotTaken: a regeneration knows what is in a
// directory from one read of it; a meeting's log that another process
// writes there afterwards, where the regeneration would put a meeting of
// the same name and minute, is never written over: that meeting fails,
// saying so, and a replay again keeps the two apart.
func TestFileWrittenMeanwhileIsNotTaken(t *testing.T) {
	root := t.TempDir()
	a := New(root, meeting.StyleDefault, "")
	a.Regenerate = true
	e := meeting.NewEngine(meeting.Options{Channel: "#meet"})
	w := a.Writer()
	if _, errs := feed(e, w, start, "#startmeeting Late", "#info ours"); len(errs) != 0 {
		t.Fatal(errs)
	}
	theirs := filepath.Join(root, "meet", "2026-11-24", "late.2026-11-24-18.00.log.txt")
	if err := os.WriteFile(theirs, []byte("18:00:00 <other> #startmeeting Late"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs := feed(e, w, start.Add(time.Minute), "#endmeeting")
	if len(errs) != 1 || !errors.Is(errs[0], errAppeared) || !strings.Contains(errs[0].Error(), theirs) {
		t.Fatalf("errors: %v", errs)
	}
	w.Discard()
	if b, _ := os.ReadFile(theirs); string(b) != "18:00:00 <other> #startmeeting Late" {
		t.Errorf("the other process's log was written over: %q", b)
	}
	a.Close()
	// Again: the other meeting's log is seen, and this one keeps apart.
	a = New(root, meeting.StyleDefault, "")
	a.Regenerate = true
	m, _, errs := run(t, a, "#meet", start, "#startmeeting Late", "#info ours", "#endmeeting")
	if len(errs) != 0 || m.BaseName() != "late-2.2026-11-24-18.00" {
		t.Fatalf("again: %v, %s", errs, m.BaseName())
	}
	if left, _ := filepath.Glob(filepath.Join(root, "meet", "2026-11-24", ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
