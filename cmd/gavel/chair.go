package main

import (
	"log/slog"
	"path/filepath"

	"gavel/backend/fetch"
	"gavel/meeting/publish"
	"gavel/tui"
)

// channelConfig is a [channel."#name"] table of the configuration: the
// chair's tools for one channel.
type channelConfig struct {
	// Agenda is loaded at start, like /agenda load (a file or an http(s)
	// URL of a Markdown or plain-text list).
	Agenda string `toml:"agenda"`
	// AgendaForge adds at start, like /agenda forge, the open issues
	// labelled "meeting" of a Pagure project or Forgejo repository.
	AgendaForge string `toml:"agenda_forge"`
	// TimeboxNotice says in the channel when a topic's timebox runs out.
	TimeboxNotice bool `toml:"timebox_notice"`
	// Dispatch overrides the [dispatch] table for the channel (dispatch.go).
	Dispatch *dispatchConfig `toml:"dispatch"`
}

// chairOptions configures the chair's tools: the archive the previous
// meetings' actions are read from, the state directory that keeps agenda
// leftovers (beside the journal) and the channels' settings.
func chairOptions(cfg config, archive *publish.Archive, logger *slog.Logger) tui.ChairOptions {
	dir := filepath.Join(defaultStateDir(), "agenda")
	if cfg.JournalDir != "" {
		dir = filepath.Join(filepath.Dir(cfg.JournalDir), "agenda")
	}
	o := tui.ChairOptions{
		Archive: archive, AgendaDir: dir, Network: cfg.Server, Channels: map[string]tui.ChannelChair{},
		HTTP: fetch.New(fetch.Options{Service: "agenda", Timeout: cfg.Backend.Timeout.Duration, Logger: logger}),
	}
	for name, c := range cfg.Channel {
		o.Channels[name] = tui.ChannelChair{Agenda: c.Agenda, AgendaForge: c.AgendaForge, TimeboxNotice: c.TimeboxNotice}
	}
	return o
}
