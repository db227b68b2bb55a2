package agenda

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func titles(a *Agenda) string {
	var out []string
	for _, e := range a.Entries() {
		s := e.Title + ":" + e.Status.String()
		if e.Carried {
			s += "*"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

func mustParse(t *testing.T, s string) []Item {
	t.Helper()
	items, err := ParseBytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func TestNextPostsTopicThenLink(t *testing.T) {
	a := New(mustParse(t, "- Roll call [5m]\n- F41 schedule https://example.org/f41\n- Open floor\n"))
	tests := []struct {
		lines []string
		state string
	}{
		{[]string{"#topic Roll call"}, "Roll call:current F41 schedule:pending Open floor:pending"},
		{[]string{"#topic F41 schedule", "#link https://example.org/f41"}, "Roll call:done F41 schedule:current Open floor:pending"},
		{[]string{"#topic Open floor"}, "Roll call:done F41 schedule:done Open floor:current"},
	}
	for i, tt := range tests {
		_, lines, err := a.Next()
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if !slices.Equal(lines, tt.lines) {
			t.Errorf("step %d: lines %q, want %q", i, lines, tt.lines)
		}
		if got := titles(a); got != tt.state {
			t.Errorf("step %d: state %q, want %q", i, got, tt.state)
		}
	}
	if _, _, err := a.Next(); !errors.Is(err, ErrEnd) {
		t.Errorf("Next at the end: %v", err)
	}
	if e, n, ok := a.Current(); !ok || n != 3 || e.Title != "Open floor" {
		t.Errorf("Current = %v %d %v", e, n, ok)
	}
}

func TestSkipAddAndTopicByHand(t *testing.T) {
	a := New(mustParse(t, "- A\n- B\n- C\n- D\n"))
	steps := []struct {
		name string
		do   func() error
		want string
	}{
		{"skip the next item", func() error { _, err := a.Skip(0); return err }, "A:skipped B:pending C:pending D:pending"},
		{"next passes it", func() error { _, _, err := a.Next(); return err }, "A:skipped B:current C:pending D:pending"},
		{"skip item 4", func() error { _, err := a.Skip(4); return err }, "A:skipped B:current C:pending D:skipped"},
		{"add", func() error { _, err := a.Add("- E https://e.example [10m]"); return err }, "A:skipped B:current C:pending D:skipped E:pending"},
		{"topic by hand on a skipped item", func() error {
			if _, ok := a.TopicSet("  a "); !ok {
				return errors.New("not matched")
			}
			return nil
		}, "A:current B:done C:pending D:skipped E:pending"},
		{"next after going back", func() error { _, _, err := a.Next(); return err }, "A:done B:done C:current D:skipped E:pending"},
		{"echo of our own topic", func() error {
			if e, ok := a.TopicSet("C"); !ok || e.Status != Current {
				return errors.New("own topic not recognised")
			}
			return nil
		}, "A:done B:done C:current D:skipped E:pending"},
		{"ad-hoc topic leaves the agenda alone", func() error {
			if _, ok := a.TopicSet("Something else"); ok {
				return errors.New("matched an ad-hoc topic")
			}
			return nil
		}, "A:done B:done C:current D:skipped E:pending"},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := titles(a); got != s.want {
			t.Fatalf("%s: state %q, want %q", s.name, got, s.want)
		}
	}
	if p, n, ok := a.Peek(); !ok || n != 5 || p.Timebox != 10*time.Minute || p.URL != "https://e.example" {
		t.Errorf("Peek = %+v %d %v", p, n, ok)
	}
	if got := a.Leftovers(); len(got) != 2 || got[0].Title != "D" || got[1].Title != "E" {
		t.Errorf("Leftovers = %q", got)
	}
}

func TestSkipErrors(t *testing.T) {
	a := New(mustParse(t, "- A\n- B\n"))
	a.Next()
	for _, tt := range []struct {
		n    int
		want string
	}{{1, "under discussion"}, {3, "no item 3"}, {-1, "no item -1"}} {
		if _, err := a.Skip(tt.n); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Skip(%d) = %v, want %q", tt.n, err, tt.want)
		}
	}
	a.Next()
	if _, err := a.Skip(1); err == nil || !strings.Contains(err.Error(), "already discussed") {
		t.Errorf("Skip done = %v", err)
	}
	if _, err := a.Skip(0); !errors.Is(err, ErrEnd) {
		t.Errorf("Skip(0) at end = %v", err)
	}
}

func TestAddErrors(t *testing.T) {
	var a Agenda
	for _, in := range []string{"", "   ", "[10m]", "x [0m]", strings.Repeat("x", MaxLineBytes+1)} {
		if _, err := a.Add(in); err == nil {
			t.Errorf("Add(%.20q) accepted", in)
		}
	}
	if a.Len() != 0 {
		t.Errorf("%d items after failed adds", a.Len())
	}
	if _, err := a.Add("1. Numbered"); err != nil || a.Entries()[0].Title != "Numbered" {
		t.Errorf("Add numbered: %v %q", err, a.Entries())
	}
}

func TestOfferGoesFirstAmongPending(t *testing.T) {
	a := New(mustParse(t, "- A\n- B\n"))
	a.Next()
	a.Offer(&Offer{Key: Key{"net", "#c", "m"}, Items: mustParse(t, "- Old 1\n- Old 2\n")})
	if o, ok := a.Offered(); !ok || len(o.Items) != 2 {
		t.Fatalf("Offered = %v %v", o, ok)
	}
	if n := a.AcceptOffer(); n != 2 {
		t.Fatalf("AcceptOffer = %d", n)
	}
	if got, want := titles(a), "A:current Old 1:pending* Old 2:pending* B:pending"; got != want {
		t.Fatalf("state %q, want %q", got, want)
	}
	if n := a.AcceptOffer(); n != 0 {
		t.Errorf("second AcceptOffer = %d", n)
	}
	if _, ok := a.Offered(); ok {
		t.Error("offer still waiting after accept")
	}
	_, lines, _ := a.Next()
	if lines[0] != "#topic Old 1" {
		t.Errorf("next after accept: %q", lines)
	}
}

func TestNewItem(t *testing.T) {
	it, err := NewItem("#12 \x02Fix\x02 the\nthing", "https://pagure.io/fesco/issue/12", 0)
	if err != nil || it.Title != "#12 Fix the thing" {
		t.Fatalf("NewItem = %+v, %v", it, err)
	}
	for _, c := range []struct{ title, url string }{{"", ""}, {"x", "javascript:alert(1)"}, {"x", "https://a b"}, {"x", "https://a\x07b"}} {
		if _, err := NewItem(c.title, c.url, 0); err == nil {
			t.Errorf("NewItem(%q, %q) accepted", c.title, c.url)
		}
	}
	if _, err := NewItem("x", "", 25*time.Hour); err == nil {
		t.Error("timebox out of range accepted")
	}
	if got := (Item{Title: "T", URL: "https://u", Timebox: 90 * time.Minute}).String(); got != "T https://u [1h30m]" {
		t.Errorf("String = %q", got)
	}
}
