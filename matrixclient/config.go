package matrixclient

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// Config is one Matrix account's connection.
type Config struct {
	// Homeserver is the client-server API base URL ("https://matrix.example.org").
	Homeserver string
	// UserID is the account ("@alice:example.org").
	UserID string
	// PasswordFile or PasswordEnv (the name of an environment variable)
	// holds the password, read when the client has to log in. The password
	// is never logged and never kept.
	PasswordFile string
	PasswordEnv  string
	// AccessTokenFile holds an access token to use instead of a password
	// (no login; the device is the token's).
	AccessTokenFile string
	// Rooms to join: aliases ("#meeting:example.org") or IDs ("!abc:example.org").
	Rooms []string
	// StateDir keeps the session (device ID, access token, sync token) in
	// session.json, mode 0600. Required.
	StateDir string
	// DeviceName is the new device's display name at the first login ("gavel").
	DeviceName string

	// SyncTimeout is the long-poll timeout of /sync (default 30 s).
	SyncTimeout time.Duration
	// TimelineLimit is how many timeline events a sync gives per room
	// before it says "limited" and the rest is paged back with /messages
	// (default 1000: what was said while gavel was down comes in one
	// round trip; Dendrite's /messages gives at most 100 events a page).
	TimelineLimit int
	// FirstTimelineLimit is the timeline limit of the account's very
	// first sync (no sync token saved yet), whose timeline is history,
	// shown and never run (default 50).
	FirstTimelineLimit int
	// MaxBody and MaxLines bound one message body; more is cut and flagged
	// (defaults 16384 bytes, 200 lines).
	MaxBody  int
	MaxLines int
	// MinBackoff and MaxBackoff bound the reconnect wait (defaults 1 s, 60 s).
	MinBackoff, MaxBackoff time.Duration
	// MaxBackfillPages bounds the /messages pages read to fill one gap
	// (default 20 pages of 100 events).
	MaxBackfillPages int
	// EventBuffer is the capacity of the Events channel (default 256).
	EventBuffer int
	// HTTPClient is used for every request (default: one with timeouts).
	HTTPClient *http.Client
}

// Validate checks the config without touching the network.
func (c *Config) Validate() error {
	u, err := url.Parse(c.Homeserver)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("matrix: homeserver %q is no http(s) URL", c.Homeserver)
	}
	if _, _, err := splitUserID(c.UserID); err != nil {
		return fmt.Errorf("matrix: user ID: %w", err)
	}
	if c.StateDir == "" {
		return errors.New("matrix: no state directory")
	}
	n := 0
	for _, s := range []string{c.PasswordFile, c.PasswordEnv, c.AccessTokenFile} {
		if s != "" {
			n++
		}
	}
	if n == 0 {
		return errors.New("matrix: no password file, password environment variable or access token file")
	}
	if c.AccessTokenFile != "" && n > 1 {
		return errors.New("matrix: give either a password (file or environment variable) or an access token file, not both")
	}
	for _, r := range c.Rooms {
		if err := checkRoomRef(r); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) defaults() {
	if c.DeviceName == "" {
		c.DeviceName = "gavel"
	}
	if c.SyncTimeout <= 0 {
		c.SyncTimeout = 30 * time.Second
	}
	if c.TimelineLimit <= 0 {
		c.TimelineLimit = 1000
	}
	if c.FirstTimelineLimit <= 0 {
		c.FirstTimelineLimit = 50
	}
	if c.MaxBody <= 0 {
		c.MaxBody = 16384
	}
	if c.MaxLines <= 0 {
		c.MaxLines = 200
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 60 * time.Second
	}
	if c.MaxBackfillPages <= 0 {
		c.MaxBackfillPages = 20
	}
	if c.EventBuffer <= 0 {
		c.EventBuffer = 256
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: c.SyncTimeout + 30*time.Second}
	}
}

// splitUserID splits "@local:server".
func splitUserID(s string) (local, server string, err error) {
	if !strings.HasPrefix(s, "@") {
		return "", "", fmt.Errorf("%q does not start with @", s)
	}
	local, server, ok := strings.Cut(s[1:], ":")
	if !ok || local == "" || server == "" {
		return "", "", fmt.Errorf("%q is not @user:server", s)
	}
	return local, server, nil
}

// checkRoomRef accepts "#alias:server" and "!id:server" (room IDs of
// version 12 rooms have no server part: "!id").
func checkRoomRef(r string) error {
	switch {
	case strings.HasPrefix(r, "#") && strings.Contains(r, ":") && len(r) > 3:
	case strings.HasPrefix(r, "!") && len(r) > 1:
	default:
		return fmt.Errorf("matrix: room %q is neither #alias:server nor !roomid", r)
	}
	if strings.ContainsAny(r, " \t\r\n/") {
		return fmt.Errorf("matrix: room %q has a space or '/'", r)
	}
	return nil
}

// password reads the password from the file or the environment.
func (c *Config) password() (string, error) {
	if c.PasswordFile != "" {
		b, err := os.ReadFile(c.PasswordFile)
		if err != nil {
			return "", fmt.Errorf("matrix: password file: %w", err)
		}
		p := strings.TrimRight(string(b), "\r\n")
		if p == "" {
			return "", fmt.Errorf("matrix: password file %s is empty", c.PasswordFile)
		}
		return p, nil
	}
	if c.PasswordEnv != "" {
		p := os.Getenv(c.PasswordEnv)
		if p == "" {
			return "", fmt.Errorf("matrix: environment variable %s is empty or unset", c.PasswordEnv)
		}
		return p, nil
	}
	return "", errors.New("matrix: no password configured")
}

// accessToken reads the access token file.
func (c *Config) accessToken() (string, error) {
	b, err := os.ReadFile(c.AccessTokenFile)
	if err != nil {
		return "", fmt.Errorf("matrix: access token file: %w", err)
	}
	t := strings.TrimSpace(string(b))
	if t == "" {
		return "", fmt.Errorf("matrix: access token file %s is empty", c.AccessTokenFile)
	}
	return t, nil
}
