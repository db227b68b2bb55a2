package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"

	"gavel/meeting"
	"gavel/meeting/dispatch"
	"gavel/meeting/live"
	"gavel/meeting/outbox"
	"gavel/meeting/publish"
)

// dispatchConfig is the [dispatch] table: where the minutes go after the
// meeting. A channel's [channel."#name".dispatch] table overrides it key
// by key. Secrets come from a file or an environment variable, never from
// the file itself or a flag.
type dispatchConfig struct {
	Auto      *bool            `toml:"auto"`
	Email     *emailConfig     `toml:"email"`
	Discourse *discourseConfig `toml:"discourse"`
	Tickets   *ticketsConfig   `toml:"tickets"`
}

type emailConfig struct {
	Off          bool     `toml:"off"` // a channel's table turns the global mail off
	Host         string   `toml:"host"`
	Port         int      `toml:"port"`
	TLS          string   `toml:"tls"` // starttls (default), tls, none
	CAFile       string   `toml:"ca_file"`
	User         string   `toml:"user"`
	PasswordFile string   `toml:"password_file"`
	PasswordEnv  string   `toml:"password_env"`
	From         string   `toml:"from"`
	To           []string `toml:"to"`
	Cc           []string `toml:"cc"`
	Subject      string   `toml:"subject"`
}

type discourseConfig struct {
	Off         bool     `toml:"off"`
	URL         string   `toml:"url"`
	APIUsername string   `toml:"api_username"`
	APIKeyFile  string   `toml:"api_key_file"`
	APIKeyEnv   string   `toml:"api_key_env"`
	Category    int      `toml:"category"`
	Tags        []string `toml:"tags"`
	Title       string   `toml:"title"`
}

type ticketsConfig struct {
	Off         bool                   `toml:"off"`
	RemoveLabel *bool                  `toml:"remove_label"`
	Label       string                 `toml:"label"`
	Tokens      map[string]tokenConfig `toml:"tokens"` // by forge host
}

type tokenConfig struct {
	TokenFile string `toml:"token_file"`
	TokenEnv  string `toml:"token_env"`
}

// merge lays a channel's table over the global one, key by key.
func (c dispatchConfig) merge(o *dispatchConfig) dispatchConfig {
	if o == nil {
		return c
	}
	out := c
	if o.Auto != nil {
		out.Auto = o.Auto
	}
	out.Email = overlay(c.Email, o.Email, func(e *emailConfig, x emailConfig) {
		over(&e.Host, x.Host)
		over(&e.Port, x.Port)
		over(&e.TLS, x.TLS)
		over(&e.CAFile, x.CAFile)
		over(&e.User, x.User)
		over(&e.PasswordFile, x.PasswordFile)
		over(&e.PasswordEnv, x.PasswordEnv)
		over(&e.From, x.From)
		overList(&e.To, x.To)
		overList(&e.Cc, x.Cc)
		over(&e.Subject, x.Subject)
		e.Off = x.Off
	})
	out.Discourse = overlay(c.Discourse, o.Discourse, func(d *discourseConfig, x discourseConfig) {
		over(&d.URL, x.URL)
		over(&d.APIUsername, x.APIUsername)
		over(&d.APIKeyFile, x.APIKeyFile)
		over(&d.APIKeyEnv, x.APIKeyEnv)
		over(&d.Title, x.Title)
		over(&d.Category, x.Category)
		overList(&d.Tags, x.Tags)
		d.Off = x.Off
	})
	out.Tickets = overlay(c.Tickets, o.Tickets, func(t *ticketsConfig, x ticketsConfig) {
		over(&t.RemoveLabel, x.RemoveLabel)
		over(&t.Label, x.Label)
		if x.Tokens != nil {
			t.Tokens = x.Tokens
		}
		t.Off = x.Off
	})
	return out
}

// overlay lays a channel's table of one destination (channel) over the
// global one: where the channel has none, the global table stands;
// otherwise a copy of the global table (or an empty one), with lay setting
// what the channel's sets.
func overlay[T any](global, channel *T, lay func(dst *T, channel T)) *T {
	if channel == nil {
		return global
	}
	var d T
	if global != nil {
		d = *global
	}
	lay(&d, *channel)
	return &d
}

// over sets *dst to v where v is set (not its type's zero).
func over[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

// overList sets *dst to v where v is set (not nil: an empty list set in
// the file empties the list).
func overList[E any](dst *[]E, v []E) {
	if v != nil {
		*dst = v
	}
}

// secret reads a secret from a file or an environment variable; a file
// other users can read is warned about.
func secret(what, file, env string, getenv func(string) string, warn func(string)) (string, error) {
	switch {
	case file != "" && env != "":
		return "", fmt.Errorf("%s: set a file or an environment variable, not both", what)
	case env != "":
		v := getenv(env)
		if v == "" {
			return "", fmt.Errorf("%s: environment variable %s is empty or unset", what, env)
		}
		return v, nil
	case file != "":
		path, err := expandHome(file)
		if err != nil {
			return "", err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		if st, err := os.Stat(path); err == nil && st.Mode().Perm()&0o044 != 0 && warn != nil {
			warn(fmt.Sprintf("warning: the %s file %s can be read by other users (mode %04o): chmod 600 %s", what, path, st.Mode().Perm(), path))
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", fmt.Errorf("%s: %s is empty", what, path)
		}
		return v, nil
	}
	return "", nil
}

// settings resolves a merged table into the dispatcher's settings,
// reading the secrets.
func (c dispatchConfig) settings(getenv func(string) string, warn func(string)) (dispatch.Settings, error) {
	var s dispatch.Settings
	s.Auto = c.Auto != nil && *c.Auto
	if e := c.Email; e != nil && !e.Off {
		ca, err := expandHome(e.CAFile)
		if err != nil {
			return s, err
		}
		es := &dispatch.EmailSettings{Host: e.Host, Port: e.Port, TLS: e.TLS, CAFile: ca, User: e.User,
			From: e.From, To: e.To, Cc: e.Cc, Subject: e.Subject}
		if es.Password, err = secret("dispatch.email password", e.PasswordFile, e.PasswordEnv, getenv, warn); err != nil {
			return s, err
		}
		if es.User != "" && es.Password == "" {
			return s, errors.New("dispatch.email: user is set but neither password_file nor password_env is")
		}
		if err := dispatch.CheckEmail(*es); err != nil {
			return s, fmt.Errorf("dispatch.%w", err)
		}
		s.Email = es
	}
	if d := c.Discourse; d != nil && !d.Off {
		ds := &dispatch.DiscourseSettings{URL: d.URL, Username: d.APIUsername, Category: d.Category, Tags: d.Tags, Title: d.Title}
		var err error
		if ds.Key, err = secret("dispatch.discourse api key", d.APIKeyFile, d.APIKeyEnv, getenv, warn); err != nil {
			return s, err
		}
		if !strings.HasPrefix(ds.URL, "https://") && !strings.HasPrefix(ds.URL, "http://") {
			return s, fmt.Errorf("dispatch.discourse: url %q is not the forum's http(s) address", ds.URL)
		}
		if ds.Username == "" || ds.Key == "" {
			return s, errors.New("dispatch.discourse: api_username and api_key_file or api_key_env are needed")
		}
		if err := dispatch.CheckTemplate(ds.Title); err != nil {
			return s, fmt.Errorf("dispatch.discourse: %w", err)
		}
		s.Discourse = ds
	}
	if t := c.Tickets; t != nil && !t.Off {
		ts := &dispatch.TicketSettings{RemoveLabel: t.RemoveLabel != nil && *t.RemoveLabel, Label: t.Label, Tokens: map[string]string{}}
		for host, tc := range t.Tokens {
			v, err := secret("dispatch.tickets token for "+host, tc.TokenFile, tc.TokenEnv, getenv, warn)
			if err != nil {
				return s, err
			}
			if v == "" {
				return s, fmt.Errorf("dispatch.tickets.tokens.%q: token_file or token_env is needed", host)
			}
			ts.Tokens[strings.ToLower(host)] = v
		}
		s.Tickets = ts
	}
	return s, nil
}

// dispatchSettings resolves the [dispatch] table and every channel's
// override once, at start (secrets read, mistakes said before any
// meeting). headless sends without asking: nobody is there to ask.
func dispatchSettings(cfg config, headless bool, getenv func(string) string, warn func(string)) (func(string) dispatch.Settings, bool, error) {
	global, err := cfg.Dispatch.settings(getenv, warn)
	if err != nil {
		return nil, false, err
	}
	some := global.Enabled()
	per := map[string]dispatch.Settings{}
	for name, ch := range cfg.Channel {
		if ch.Dispatch == nil {
			continue
		}
		s, err := cfg.Dispatch.merge(ch.Dispatch).settings(getenv, warn)
		if err != nil {
			return nil, false, fmt.Errorf("channel %s: %w", name, err)
		}
		per[meeting.ChannelDir(name)] = s
		some = some || s.Enabled()
	}
	fix := func(s dispatch.Settings) dispatch.Settings {
		if headless {
			s.Auto = true
		}
		return s
	}
	return func(channel string) dispatch.Settings {
		if s, ok := per[meeting.ChannelDir(channel)]; ok {
			return fix(s)
		}
		return fix(global)
	}, some, nil
}

// openDispatch opens the dispatcher's outbox next to the journals (nil
// when no destination is configured). headless runs say on stderr, one
// line each, what was sent and what failed.
func openDispatch(cfg config, journalDir string, headless bool, logger *slog.Logger, stderr io.Writer) (*dispatch.Dispatcher, error) {
	warn := func(w string) { fmt.Fprintln(stderr, "gavel:", w) }
	settings, some, err := dispatchSettings(cfg, headless, os.Getenv, warn)
	if err != nil || !some {
		return nil, err
	}
	if u, err := url.Parse(cfg.URLPrefix); err != nil || !u.IsAbs() || u.Host == "" {
		return nil, fmt.Errorf("dispatch: url_prefix %q must be the archive's public URL (https://…): the mail, the forum and the tickets link to the minutes", cfg.URLPrefix)
	}
	dc := dispatch.Config{Dir: journalDir, Settings: settings, Logger: logger}
	if headless {
		var mu sync.Mutex
		dc.OnEvent = func(ev dispatch.Event) {
			switch {
			case ev.State == dispatch.Sent, ev.State == dispatch.Refused, ev.State == dispatch.Unsure,
				ev.State == dispatch.Queued && ev.Err != nil:
				mu.Lock()
				fmt.Fprintln(stderr, "gavel:", oneLine(ev.String()))
				mu.Unlock()
			}
		}
	}
	d, err := dispatch.Open(dc)
	var corrupt *outbox.CorruptError
	if errors.As(err, &corrupt) && d != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		err = nil
	}
	return d, err
}

// afterMeeting hands each meeting to the bus and to dispatch, where the
// live driver calls its Bus: the bus first (its message is on disk), then
// the deliveries.
type afterMeeting []live.Bus

func (a afterMeeting) MeetingStarted(channel string, m *meeting.Meeting) error {
	var errs []error
	for _, b := range a {
		errs = append(errs, b.MeetingStarted(channel, m))
	}
	return errors.Join(errs...)
}

func (a afterMeeting) MeetingCompleted(channel string, m *meeting.Meeting, files []publish.File) error {
	var errs []error
	for _, b := range a {
		errs = append(errs, b.MeetingCompleted(channel, m, files))
	}
	return errors.Join(errs...)
}

// liveBus is what the controller is handed: nil, one of them, or both.
func liveBus(mbus messageBus, d *dispatch.Dispatcher) live.Bus {
	var a afterMeeting
	if b := mbus.live(); b != nil {
		a = append(a, b)
	}
	if d != nil {
		a = append(a, d)
	}
	switch len(a) {
	case 0:
		return nil
	case 1:
		return a[0]
	}
	return a
}
