package live

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
	"gavel/meeting"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
)

const seedLog = "../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt"

// seedLine is one line of the seed meeting.
type seedLine struct {
	nick, text string
	action     bool
}

func readSeed(t *testing.T) []seedLine {
	t.Helper()
	f, err := os.Open(seedLog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []seedLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest := sc.Text()[9:]
		if strings.HasPrefix(rest, "* ") {
			nick, text, _ := strings.Cut(rest[2:], " ")
			out = append(out, seedLine{nick, text, true})
			continue
		}
		end := strings.Index(rest, "> ")
		out = append(out, seedLine{rest[1:end], rest[end+2:], false})
	}
	return out
}

// TestLiveMeetingOnARealServer plays the seed meeting on InspIRCd: every
// participant is a real connection, gavel chairs it as nirik's own client,
// and the minutes it publishes equal the replay of the log it wrote.
func TestLiveMeetingOnARealServer(t *testing.T) {
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	const channel = "#fedora-meeting"
	seed := readSeed(t)

	root := t.TempDir()
	ctrl, ctrlMu, seen, client := gavelOn(t, ctx, srv, "nirik", []string{channel}, Config{
		Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: t.TempDir(),
	})

	// Every other speaker connects (in parallel: InspIRCd registers on a
	// one-second tick) and joins after gavel, so gavel holds ops.
	people := map[string]*ircdtest.LineClient{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, l := range seed {
		if l.nick == "nirik" || l.nick == "zodbot" {
			continue
		}
		if _, ok := people[l.nick]; ok {
			continue
		}
		people[l.nick] = nil
		wg.Add(1)
		go func(nick string) {
			defer wg.Done()
			lc, err := ircdtest.Dial(ctx, srv.Addr(), nick)
			if err != nil {
				t.Error(err)
				return
			}
			check(t, lc.Send("JOIN "+channel))
			lc.WaitFor(func(s string) bool { return strings.Contains(s, " 366 ") })
			go func() { // drain
				for {
					if _, err := lc.ReadLine(); err != nil {
						return
					}
				}
			}()
			mu.Lock()
			people[nick] = lc
			mu.Unlock()
		}(l.nick)
	}
	observer, err := ircdtest.Dial(ctx, srv.Addr(), "observer")
	if err != nil {
		t.Fatal(err)
	}
	must(t, observer.Send("JOIN "+channel))
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	var topics []string
	var topicsMu sync.Mutex
	go func() {
		for {
			l, err := observer.ReadLine()
			if err != nil {
				return
			}
			if _, rest, ok := strings.Cut(l, " TOPIC "+channel+" :"); ok {
				topicsMu.Lock()
				topics = append(topics, rest)
				topicsMu.Unlock()
			}
		}
	}()

	// Play the meeting line by line, each line seen by gavel before the
	// next, so the order is the log's. zodbot's lines are gavel's to say.
	for _, l := range seed {
		if l.nick == "zodbot" {
			continue
		}
		text := l.text
		switch {
		case l.nick == "nirik" && l.action:
			client.Action(channel, text)
		case l.nick == "nirik":
			ctrlMu.Lock()
			ctrl.Say(channel, text)
			ctrlMu.Unlock()
		case l.action:
			people[l.nick].Send("PRIVMSG " + channel + " :\x01ACTION " + text + "\x01")
		default:
			people[l.nick].Send("PRIVMSG " + channel + " :" + text)
		}
		want := l.nick + " " + strings.TrimSpace(text)
		for got := ""; got != want; {
			select {
			case got = <-seen:
				got = strings.TrimSpace(got)
			case <-ctx.Done():
				t.Fatalf("gavel never saw %q", want)
			}
		}
	}
	// Give gavel's own end-of-meeting replies a moment to go out, then
	// check what the channel saw.
	deadline := time.Now().Add(10 * time.Second)
	dir := filepath.Join(root, "fedora-meeting", "2015-04-30")
	var logTxt []byte
	for time.Now().Before(deadline) {
		matches, _ := filepath.Glob(filepath.Join(root, "fedora-meeting", "*", "infrastructure.*.html"))
		if len(matches) > 0 {
			dir = filepath.Dir(matches[0])
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "infrastructure.*.log.txt"))
	if len(logs) != 1 {
		t.Fatalf("published logs: %v", logs)
	}
	logTxt, _ = os.ReadFile(logs[0])

	// Every line said in the meeting is in the live log, in order, and
	// gavel's own replies are there under the chair's nick.
	live := string(logTxt)
	pos := 0
	for _, l := range seed {
		if l.nick == "zodbot" {
			continue
		}
		var want string
		if l.action {
			want = " * " + l.nick + " " + strings.TrimSpace(l.text)
		} else {
			want = " <" + l.nick + "> " + strings.TrimSpace(l.text)
		}
		i := strings.Index(live[pos:], want)
		if i < 0 {
			t.Fatalf("live log lacks, in order: %q", want)
		}
		pos += i + len(want)
	}
	for _, reply := range []string{
		"<nirik> The meeting name has been set to 'infrastructure'",
		"<nirik> Current chairs: abadger1999 dgilmore lmacken mdomsch nirik pingou puiterwijk relrod smooge threebean",
	} {
		if !strings.Contains(live, reply) {
			t.Errorf("live log lacks gavel's reply %q", reply)
		}
	}
	topicsMu.Lock()
	if len(topics) == 0 || topics[0] != "aloha (Meeting topic: Infrastructure (2015-04-30))" {
		t.Errorf("topics seen by the channel: %q", topics)
	}
	topicsMu.Unlock()

	// The minutes equal the replay of the log gavel wrote.
	sameAsReplay(t, ctx, root, logs[0], replay.Options{Channel: channel}, ".txt", ".html", ".md", ".json", ".log.html")
}
