package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

var sizes = [][2]int{{80, 24}, {120, 40}, {200, 60}}

var fixedNow = time.Date(2015, 4, 30, 18, 30, 0, 0, time.UTC)

// fixedOpts are options that make a view deterministic.
func fixedOpts() Options {
	return Options{Now: func() time.Time { return fixedNow }, Getenv: func(string) string { return "" }}
}

// seedDemo returns the paused seed demo with the first n events played.
func seedDemo(t testing.TB, n int, opts Options) *Model {
	t.Helper()
	m, err := NewSeedDemo(DemoOptions{Options: opts, Paused: true})
	if err != nil {
		t.Fatal(err)
	}
	m.demo.net.Play(n, time.Time{})
	drainDemo(m)
	return m
}

// drainDemo hands the model every event the demo network has played, in
// batches, as the console's reader of the network does.
func drainDemo(m *Model) {
	for m.demo.net.Pending() > 0 {
		batch, _ := m.opts.Network.Next(context.Background(), MaxBatch)
		m.update(eventsMsg{events: batch, closed: true})
	}
}

// demoStep is one tick of the demo's clock, and the events it played.
func demoStep(m *Model, t time.Time) {
	m.Update(demoTickMsg(t))
	drainDemo(m)
}

// runView drives m through teatest at a size, applies steps, and returns
// the final View().Content.
func runView(t *testing.T, m *Model, w, h int, steps func(tm *teatest.TestModel)) string {
	t.Helper()
	t.Setenv("TERM", "xterm-256color")
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.ANSI256)))
	if steps != nil {
		steps(tm)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second))
	content := fm.View().Content
	checkGeometry(t, content, w, h)
	return content
}

// checkGeometry asserts that the screen is exactly w x h cells.
func checkGeometry(t *testing.T, content string, w, h int) {
	t.Helper()
	rows := strings.Split(content, "\n")
	if len(rows) != h {
		t.Fatalf("%d rows, want %d", len(rows), h)
	}
	for i, r := range rows {
		if got := ansi.StringWidth(r); got != w {
			t.Errorf("row %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(r))
		}
	}
}

func typeKeys(tm *teatest.TestModel, keys ...tea.KeyPressMsg) {
	for _, k := range keys {
		tm.Send(k)
	}
}

var (
	tab   = tea.KeyPressMsg{Code: tea.KeyTab}
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	f1    = tea.KeyPressMsg{Code: tea.KeyF1}
)

func golden(t *testing.T, name string, build func(t *testing.T) *Model, steps func(tm *teatest.TestModel)) {
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("%s_%dx%d", name, sz[0], sz[1]), func(t *testing.T) {
			content := runView(t, build(t), sz[0], sz[1], steps)
			teatest.RequireEqualOutput(t, []byte(content))
		})
	}
}

func TestGoldenEmptyConsole(t *testing.T) {
	golden(t, "empty", func(t *testing.T) *Model {
		m, err := New(fixedOpts())
		if err != nil {
			t.Fatal(err)
		}
		return m
	}, nil)
}

func TestGoldenRunningMeeting(t *testing.T) {
	golden(t, "meeting", func(t *testing.T) *Model { return seedDemo(t, 150, fixedOpts()) }, nil)
}

func TestGoldenFuzzyPopup(t *testing.T) {
	golden(t, "commands", func(t *testing.T) *Model { return seedDemo(t, 150, fixedOpts()) }, func(tm *teatest.TestModel) {
		tm.Type("/pb")
	})
	golden(t, "nicks", func(t *testing.T) *Model { return seedDemo(t, 150, fixedOpts()) }, func(tm *teatest.TestModel) {
		tm.Type("pu")
		typeKeys(tm, tab)
	})
	golden(t, "packages", func(t *testing.T) *Model { return seedDemo(t, 150, fixedOpts()) }, func(tm *teatest.TestModel) {
		tm.Type("/pkgs fed")
		typeKeys(tm, tab, tab)
	})
}

func TestGoldenHelpOverlay(t *testing.T) {
	golden(t, "help", func(t *testing.T) *Model { return seedDemo(t, 150, fixedOpts()) }, func(tm *teatest.TestModel) {
		typeKeys(tm, f1)
	})
}

func TestGoldenThemes(t *testing.T) {
	for _, th := range []string{"dark", "light", "high-contrast"} {
		golden(t, th, func(t *testing.T) *Model {
			o := fixedOpts()
			o.Theme = th
			return seedDemo(t, 200, o)
		}, nil)
	}
	golden(t, "no-color", func(t *testing.T) *Model {
		o := fixedOpts()
		o.Theme = "light"
		o.Getenv = func(k string) string {
			if k == "NO_COLOR" {
				return "1"
			}
			return ""
		}
		return seedDemo(t, 200, o)
	}, nil)
}

func TestGoldenLookupPane(t *testing.T) {
	golden(t, "lookup", func(t *testing.T) *Model { return seedDemo(t, 150, fixedOpts()) }, func(tm *teatest.TestModel) {
		tm.Type("/fas nirik")
		typeKeys(tm, enter)
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "answered") },
			teatest.WithDuration(5*time.Second))
	})
}
