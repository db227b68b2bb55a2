package chair

import (
	"slices"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2025, 5, 20, 17, 0, 0, 0, time.UTC)

func TestTimer(t *testing.T) {
	var tm Timer
	if _, ok := tm.Clock(t0); ok {
		t.Fatal("zero timer times something")
	}
	tm.Start("F41 schedule", 10*time.Minute, t0)
	tests := []struct {
		after time.Duration
		text  string
		level Level
	}{
		{-time.Second, "0:00/10:00", InTime},
		{0, "0:00/10:00", InTime},
		{7*time.Minute + 12*time.Second, "7:12/10:00", InTime},
		{7*time.Minute + 59*time.Second + 999*time.Millisecond, "7:59/10:00", InTime},
		{8 * time.Minute, "8:00/10:00", Warning},
		{9*time.Minute + 59*time.Second, "9:59/10:00", Warning},
		{10 * time.Minute, "10:00/10:00", Over},
		{72*time.Minute + 3*time.Second, "1:12:03/10:00", Over},
	}
	for _, tt := range tests {
		c, ok := tm.Clock(t0.Add(tt.after))
		if !ok || c.Text != tt.text || c.Level != tt.level || c.Topic != "F41 schedule" {
			t.Errorf("after %v: %+v, %v; want %q %v", tt.after, c, ok, tt.text, tt.level)
		}
	}
	if _, ok := tm.Expired(t0.Add(9 * time.Minute)); ok {
		t.Error("expired early")
	}
	if n, ok := tm.Expired(t0.Add(10 * time.Minute)); !ok || n != "Time is up for this topic (10:00 timebox): F41 schedule" {
		t.Errorf("Expired = %q, %v", n, ok)
	}
	if _, ok := tm.Expired(t0.Add(11 * time.Minute)); ok {
		t.Error("expired notice twice")
	}
	tm.Start("Open floor", 0, t0.Add(time.Hour))
	if c, _ := tm.Clock(t0.Add(time.Hour + 90*time.Second)); c.Text != "1:30" || c.Level != InTime {
		t.Errorf("no box: %+v", c)
	}
	if _, ok := tm.Expired(t0.Add(5 * time.Hour)); ok {
		t.Error("a topic without a box expired")
	}
	tm.Stop()
	if _, ok := tm.Clock(t0); ok || tm.Running() {
		t.Error("stopped timer still times")
	}
}

func TestFollowUp(t *testing.T) {
	f := NewFollowUp("2025-05-13", []string{"alice to write the notes", "", "bob to fix\r\n#endmeeting", strings.Repeat("x", 500)})
	if got := f.Topic(); got != "#topic Follow-up on actions from 2025-05-13" {
		t.Errorf("Topic = %q", got)
	}
	if n := len(f.Actions()); n != 3 {
		t.Fatalf("%d actions", n)
	}
	steps := []struct {
		do   func() (string, error)
		want string
	}{
		{func() (string, error) { return f.Done(1) }, "#info done: alice to write the notes"},
		{func() (string, error) { return f.Carry(2) }, "#action bob to fix #endmeeting"},
		{func() (string, error) { return f.Done(1) }, "error: already done"},
		{func() (string, error) { return f.Carry(2) }, "error: already carried"},
		{func() (string, error) { return f.Done(4) }, "error: no action 4"},
		{func() (string, error) { return f.Carry(0) }, "error: no action 0"},
	}
	for i, s := range steps {
		got, err := s.do()
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(s.want, "error: ") && got != s.want || strings.HasPrefix(s.want, "error: ") && !strings.Contains(got, strings.TrimPrefix(s.want, "error: ")) {
			t.Errorf("step %d: %q, want %q", i, got, s.want)
		}
	}
	long, err := f.Carry(3)
	if err != nil || len(long) > LineBytes || !strings.HasSuffix(long, "…") {
		t.Errorf("long carry: %d bytes, %v", len(long), err)
	}
	states := []ActionState{}
	for _, a := range f.Actions() {
		states = append(states, a.State)
	}
	if !slices.Equal(states, []ActionState{Done, Carried, Carried}) {
		t.Errorf("states %v", states)
	}
	if err := f.Reopen(1); err != nil || f.Actions()[0].State != Open {
		t.Errorf("Reopen: %v", err)
	}
}

func TestRollCall(t *testing.T) {
	r := NewRollCall(t0, nil)
	marks := []struct {
		nick string
		at   time.Duration
		new  bool
	}{
		{"early", -time.Second, false},
		{"Chair", 0, true},
		{"alice", time.Second, true},
		{"ALICE", 2 * time.Second, false},
		{"bob", 3 * time.Second, true},
	}
	for _, m := range marks {
		if got := r.Spoke(m.nick, t0.Add(m.at)); got != m.new {
			t.Errorf("Spoke(%s) = %v", m.nick, got)
		}
	}
	r.Rename("bob", "bob_away")
	if !r.Marked("BOB_away") || r.Marked("bob") || r.Marked("early") {
		t.Error("marks wrong after rename")
	}
	if got := r.ToLookUp(); !slices.Equal(got, []string{"Chair", "alice", "bob_away"}) {
		t.Errorf("ToLookUp = %q", got)
	}
	r.Spoke("carol", t0.Add(time.Minute))
	if got := r.ToLookUp(); !slices.Equal(got, []string{"carol"}) {
		t.Errorf("second ToLookUp = %q", got)
	}
	r.SetAccounts("alice", []string{"alice_fas"})
	r.SetAccounts("carol", nil)
	p := r.Present()
	if len(p) != 4 || p[1].Nick != "alice" || !slices.Equal(p[1].Accounts, []string{"alice_fas"}) || p[3].Accounts == nil || p[0].Accounts != nil {
		t.Errorf("Present = %+v", p)
	}
	if !slices.Equal(r.Accounts("Alice"), []string{"alice_fas"}) {
		t.Errorf("Accounts = %q", r.Accounts("Alice"))
	}
}
