package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gavel/tui"
)

// The README's [channel."#name"] table is a valid config with every key
// known, and reaches the console's chair options.
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
	o := chairOptions(cfg, nil, nil)
	want := tui.ChannelChair{Agenda: "~/infra-agenda.md", AgendaForge: "https://pagure.io/fesco", TimeboxNotice: true}
	if got := o.Channels["#fedora-meeting"]; got != want {
		t.Errorf("channel settings: %+v, want %+v", got, want)
	}
	if o.AgendaDir != "/var/lib/gavel/journal/agenda" || o.Network != "irc.example.org" || o.HTTP == nil {
		t.Errorf("options: dir %q network %q", o.AgendaDir, o.Network)
	}
}
