package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gavel/meeting/chair"
	"gavel/meeting/chair/chairio"
)

// The README's [channel."#name"] table is a valid config with every key
// known, and reaches the chair's tools' configuration.
func TestChairREADMEConfig(t *testing.T) {
	sec := readmeSection(t, "Chair tools")
	_, block, ok := strings.Cut(sec, "```toml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("no toml block in the Chair tools section")
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(path, []byte("server = \"irc.example.org\"\njournal_dir = \"/var/lib/gavel/journal/x\"\n"+block), 0o644)
	cfg, _, err := loadConfig(path, true)
	if err != nil {
		t.Fatal(err)
	}
	o := chairConfig(cfg, nil, nil, nil)
	want := chair.ChannelConfig{Agenda: "~/infra-agenda.md", AgendaForge: "https://pagure.io/fesco", TimeboxNotice: true}
	if got := o.Channels["#fedora-meeting"]; got != want {
		t.Errorf("channel settings: %+v, want %+v", got, want)
	}
	store, ok := o.Leftovers.(*chairio.Store)
	if !ok || store.Dir != "/var/lib/gavel/journal/agenda" || o.Network != "irc.example.org" || o.Agendas == nil {
		t.Errorf("config: leftovers %+v network %q agendas %v", o.Leftovers, o.Network, o.Agendas)
	}
}
