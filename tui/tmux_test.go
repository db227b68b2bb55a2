package tui

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestTmuxSmoke builds tui/internal/demo-main and runs
// testdata/tmux-smoke.sh against it: the real program in a real terminal.
func TestTmuxSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	bin := filepath.Join(t.TempDir(), "gavel-demo")
	build := exec.Command("go", "build", "-o", bin, "./internal/demo-main")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	// As the README takes its screenshot (and the CI runs the script).
	shot := filepath.Join(t.TempDir(), "screen.txt")
	cmd := exec.Command("bash", "testdata/tmux-smoke.sh", bin)
	cmd.Env = append(os.Environ(), "GAVEL_DEMO_SPEED=200", "GAVEL_SMOKE_SIZE=110x30", "GAVEL_SCREENSHOT="+shot)
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(shot)
	if err != nil || len(strings.Split(strings.TrimRight(string(b), "\n"), "\n")) != 30 || !strings.Contains(string(b), "Topics") {
		t.Errorf("screenshot (%v):\n%s", err, b)
	}
}
