package tui

import (
	"fmt"
	"os"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestSmokePrint(t *testing.T) {
	if os.Getenv("SMOKE") == "" {
		t.Skip()
	}
	m, err := NewSeedDemo(DemoOptions{Paused: true})
	if err != nil {
		t.Fatal(err)
	}
	var w, h int
	fmt.Sscan(os.Getenv("SMOKE"), &w, &h)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.demoFeed(150, zeroTime)
	fmt.Println(ansi.Strip(m.Render()))
}
