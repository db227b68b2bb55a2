package main

import (
	"log/slog"
	"path/filepath"

	"gavel/backend"
	"gavel/backend/fetch"
	"gavel/meeting/chair"
	"gavel/meeting/chair/chairio"
	"gavel/meeting/publish"
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

// chairConfig configures the chair's tools of the live driver: the
// agenda sources (files, URLs, forges), the store that keeps agenda
// leftovers in the state directory (beside the journal), the archive the
// previous meetings' actions are read from, the backend's lookups, and
// the channels' settings.
func chairConfig(cfg config, archive *publish.Archive, router *backend.Router, logger *slog.Logger) *chair.Config {
	dir := filepath.Join(defaultStateDir(), "agenda")
	if cfg.JournalDir != "" {
		dir = filepath.Join(filepath.Dir(cfg.JournalDir), "agenda")
	}
	c := &chair.Config{
		Network:   cfg.Server,
		Channels:  map[string]chair.ChannelConfig{},
		Agendas:   chairio.NewSources(fetch.New(fetch.Options{Service: "agenda", Timeout: cfg.Backend.Timeout.Duration, Logger: logger})),
		Leftovers: &chairio.Store{Dir: dir},
		Previous:  chairio.Archive{Archive: archive},
		Groups:    chairio.Lookups{Router: router},
		Accounts:  chairio.Lookups{Router: router},
	}
	for name, ch := range cfg.Channel {
		c.Channels[name] = chair.ChannelConfig{Agenda: ch.Agenda, AgendaForge: ch.AgendaForge, TimeboxNotice: ch.TimeboxNotice}
	}
	return c
}
