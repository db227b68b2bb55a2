package backend

import (
	"context"
	"errors"
	"testing"

	"gavel/backend/fetch"
)

func accountsOf(res Result) []string {
	var out []string
	for _, row := range res.Rows {
		out = append(out, row[0])
	}
	return out
}

func TestIRCAccounts(t *testing.T) {
	live := replayLive(t)
	lr := newRouter(t, live.cfg)
	or := newRouter(t, Config{Offline: true})
	ctx := context.Background()
	tests := []struct {
		name   string
		r      *Router
		nick   string
		want   []string
		source string
	}{
		{"live search", lr, "StbnRuiz", []string{"stbnruiz001"}, SourceLive},
		{"offline recorded search", or, "stbnruiz", []string{"stbnruiz001"}, SourceOffline},
		{"offline listing", or, "abadger1999", []string{"abadger1999"}, SourceOffline},
		{"offline unknown", or, "nobody-here", nil, SourceOffline},
		{"offline short nick", or, "ab", nil, SourceOffline},
	}
	for _, tt := range tests {
		res, err := tt.r.IRCAccounts(ctx, tt.nick)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got := accountsOf(res)
		if len(got) != len(tt.want) || len(got) > 0 && got[0] != tt.want[0] || res.Source != tt.source {
			t.Errorf("%s: IRCAccounts(%q) = %q from %s, want %q from %s", tt.name, tt.nick, got, res.Source, tt.want, tt.source)
		}
	}
	before := live.fas.N.Load()
	if _, err := lr.IRCAccounts(ctx, "stbnruiz"); err != nil || live.fas.N.Load() != before {
		t.Errorf("second lookup not cached: %v, %d requests", err, live.fas.N.Load()-before)
	}
	for _, bad := range []string{"", "a b", "x\r\nQUIT"} {
		if _, err := or.IRCAccounts(ctx, bad); !errors.Is(err, fetch.ErrInvalid) {
			t.Errorf("IRCAccounts(%q) = %v", bad, err)
		}
	}
	if _, ok := lr.cmds["ircaccounts"]; ok {
		t.Error("ircaccounts became a channel command")
	}
}
