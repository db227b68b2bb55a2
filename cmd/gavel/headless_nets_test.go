package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gavel/meeting/live"
)

// TestHeadlessKeepsEachNetworksConnectionApart: with two networks, one
// that never connected is said as such, and the other's drop as a drop,
// whatever order their events come in.
func TestHeadlessKeepsEachNetworksConnectionApart(t *testing.T) {
	var out strings.Builder
	r := &reporter{w: &out}
	refused := errors.New("connection refused")
	for _, ev := range []live.Event{
		live.Conn{Network: "irc.example", State: live.Connected, Server: "irc.example:6697", Nick: "nirik"},
		live.Conn{Network: "fedora.im", State: live.ConnectFailed, Server: "https://fedora.im", Err: refused},
		live.Conn{Network: "irc.example", State: live.Disconnected, Server: "irc.example:6697"},
		live.Conn{Network: "irc.example", State: live.Reconnecting, Server: "irc.example:6697", Delay: time.Second},
		live.Conn{Network: "fedora.im", State: live.Reconnecting, Server: "https://fedora.im", Delay: 2 * time.Second, Err: refused},
	} {
		r.event(ev)
	}
	want := "gavel: connected to irc.example:6697 as nirik\n" +
		"gavel: disconnected from irc.example:6697; trying again in 1s\n" +
		"gavel: error: could not connect to https://fedora.im: connection refused; trying again in 2s\n"
	if out.String() != want {
		t.Errorf("said:\n%s\nwant:\n%s", out.String(), want)
	}
}
