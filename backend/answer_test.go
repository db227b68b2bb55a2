package backend

import (
	"context"
	"strings"
	"testing"
)

// TestChannelAnswer: the unaddressed answer is Channel's without "nick: ",
// and the key is the same however the question was typed.
func TestChannelAnswer(t *testing.T) {
	r, err := New(Config{Offline: true, Prefix: "!"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, line := range []string{"!fas nirik", "!FAS   nirik", "!fas", "!whoowns no-such-package-here"} {
		addressed, ok := r.Channel(ctx, "alice", line)
		key, lines, ok2 := r.ChannelAnswer(ctx, "alice", line)
		if !ok || !ok2 || len(lines) != len(addressed) {
			t.Fatalf("%q: %q / %q", line, addressed, lines)
		}
		for i := range lines {
			if addressed[i] != "alice: "+lines[i] {
				t.Errorf("%q: %q is not %q addressed", line, addressed[i], lines[i])
			}
		}
		if !strings.HasPrefix(key, "!") || strings.Contains(key, "  ") || strings.Contains(key, "FAS") {
			t.Errorf("%q: key %q", line, key)
		}
	}
	k1, _, _ := r.ChannelAnswer(ctx, "a", "!fas nirik")
	k2, _, _ := r.ChannelAnswer(ctx, "b", "!FAS nirik ")
	if k1 != k2 {
		t.Errorf("keys differ: %q %q", k1, k2)
	}
	if _, _, ok := r.ChannelAnswer(ctx, "a", ".fas nirik"); ok {
		t.Error("another prefix answered")
	}
}
