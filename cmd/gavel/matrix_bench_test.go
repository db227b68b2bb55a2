package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/matrixclient/dendritetest"
)

// BenchmarkStartupToRoomsJoined starts the real binary headless on a
// Matrix account with 50 rooms on a loopback Dendrite and times it from
// the process start to the last "joined" line on stderr. The first start
// (login, 50 joins, each room's state) is reported as first-start-ms; each
// op is a restart with a new session directory (a login, the rooms found
// joined, each room's state loaded).
func BenchmarkStartupToRoomsJoined(b *testing.B) {
	const rooms = 50
	s := dendritetest.Start(b)
	owner := s.Register(b, "owner")
	bot := s.Register(b, "gavelbot")
	dir := b.TempDir()
	refs := make([]string, rooms)
	for i := range refs {
		owner.CreateRoom(b, fmt.Sprintf("room%02d", i))
		refs[i] = dendritetest.Alias(fmt.Sprintf("room%02d", i))
	}
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte(bot.Password), 0o600)
	bin := buildGavel(b)
	start := func(i int) time.Duration {
		sub := filepath.Join(dir, fmt.Sprint(i))
		os.MkdirAll(sub, 0o700)
		config := testConfig{Archive: filepath.Join(sub, "archive"), Journal: filepath.Join(sub, "state", "journal"),
			Matrix: &testMatrix{Homeserver: s.URL, UserID: bot.UserID, PasswordFile: pw, Rooms: refs}}.write(b, sub)
		cmd := exec.Command(bin, "--headless", "--config", config)
		cmd.Env = append(os.Environ(), "XDG_STATE_HOME="+sub)
		stderr, _ := cmd.StderrPipe()
		began := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		joined := 0
		sc := bufio.NewScanner(stderr)
		for joined < rooms && sc.Scan() {
			if strings.HasPrefix(sc.Text(), "gavel: joined #room") {
				joined++
			}
		}
		elapsed := time.Since(began)
		cmd.Process.Kill()
		cmd.Wait()
		if joined < rooms {
			b.Fatalf("joined %d of %d rooms", joined, rooms)
		}
		return elapsed
	}
	first := start(-1)
	var total time.Duration
	b.ResetTimer()
	for i := range b.N {
		total += start(i)
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "restart-ms")
	b.ReportMetric(float64(first.Milliseconds()), "first-start-ms") // after ResetTimer, which drops metrics
}
