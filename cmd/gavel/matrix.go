package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"gavel/matrixclient"
	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/meeting/live/multinet"
)

// matrixConfig is the [matrix] table: the chair's own Matrix account and
// the rooms it runs meetings in. The password comes from a file or an
// environment variable (never a flag), or an access token from a file; it
// is never logged.
type matrixConfig struct {
	Homeserver      string   `toml:"homeserver"`        // client-server API base URL
	UserID          string   `toml:"user_id"`           // "@alice:example.org"
	PasswordFile    string   `toml:"password_file"`     // the password, alone in a file
	PasswordEnv     string   `toml:"password_env"`      // or the name of an environment variable holding it
	AccessTokenFile string   `toml:"access_token_file"` // or an access token instead of a password
	Rooms           []string `toml:"rooms"`             // aliases ("#meet:example.org") or IDs
	// Dialect is the rooms' command dialect: "meetbot" ("#topic", the
	// default) or "fedora" ("!topic", Fedora's Matrix meetbot's).
	Dialect string `toml:"dialect"`
	// ChairPowerLevel: members at or above it chair (default 50).
	ChairPowerLevel int `toml:"chair_power_level"`
	// Room holds per-room settings ([matrix.room."#alias:server"]), by
	// the room's alias as its window is titled.
	Room map[string]matrixRoomConfig `toml:"room"`
	// StateDir keeps the device ID, the access token and the sync token
	// (default: matrix/<account> beside the journal directory, or in
	// $XDG_STATE_HOME/gavel; "@nirik:fedora.im" is "nirik_fedora.im").
	StateDir string `toml:"state_dir"`
}

// matrixRoomConfig is one room's own settings.
type matrixRoomConfig struct {
	Dialect string `toml:"dialect"` // overrides the table's
}

// dialects returns the dialect of each Matrix room (by its channel name)
// from the table: the room's own, else the table's, else MeetBot's. IRC
// channels are MeetBot's.
func (m matrixConfig) dialects() (func(channel string) meeting.Dialect, error) {
	def, ok := meeting.ParseDialect(m.Dialect)
	if !ok {
		return nil, fmt.Errorf("matrix: dialect %q: want meetbot or fedora", m.Dialect)
	}
	rooms := map[string]meeting.Dialect{}
	for name, rc := range m.Room {
		if err := checkRoomName(name); err != nil {
			return nil, err
		}
		d := def
		if rc.Dialect != "" {
			if d, ok = meeting.ParseDialect(rc.Dialect); !ok {
				return nil, fmt.Errorf("matrix: room %s: dialect %q: want meetbot or fedora", name, rc.Dialect)
			}
		}
		rooms[name] = d
	}
	return func(channel string) meeting.Dialect {
		if !multinet.MatrixNames(channel) {
			return meeting.DialectMeetBot
		}
		if d, ok := rooms[channel]; ok {
			return d
		}
		return def
	}, nil
}

// checkRoomName accepts a [matrix.room."..."] name: an alias or room ID.
func checkRoomName(name string) error {
	if (strings.HasPrefix(name, "#") && strings.Contains(name, ":")) || strings.HasPrefix(name, "!") {
		return nil
	}
	return fmt.Errorf("matrix: [matrix.room.%q]: a room is \"#alias:server\" or \"!id:server\"", name)
}

// enabled reports whether a Matrix account is configured.
func (m matrixConfig) enabled() bool { return m.Homeserver != "" || m.UserID != "" }

// clientConfig turns the table into the connection's config; warn is told
// when the password or token file can be read by other users. stateRoot
// is gavel's state directory (the session's default home).
func (m matrixConfig) clientConfig(stateRoot string, warn func(string)) (matrixclient.Config, error) {
	mc := matrixclient.Config{Homeserver: m.Homeserver, UserID: m.UserID, PasswordFile: m.PasswordFile,
		PasswordEnv: m.PasswordEnv, AccessTokenFile: m.AccessTokenFile, Rooms: m.Rooms, StateDir: m.StateDir}
	if mc.StateDir == "" && stateRoot != "" && m.UserID != "" {
		mc.StateDir = filepath.Join(stateRoot, "matrix", accountDir(m.UserID))
	}
	if m.ChairPowerLevel < 0 {
		return mc, fmt.Errorf("matrix: chair_power_level %d is below 0", m.ChairPowerLevel)
	}
	if _, err := m.dialects(); err != nil {
		return mc, err
	}
	if m.PasswordFile != "" && m.PasswordEnv != "" {
		return mc, errors.New("matrix: give password_file or password_env, not both")
	}
	if err := mc.Validate(); err != nil {
		return mc, err
	}
	for what, f := range map[string]string{"password": m.PasswordFile, "access token": m.AccessTokenFile} {
		if f == "" {
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			return mc, fmt.Errorf("matrix: %s file: %w", what, err)
		}
		if st.Mode().Perm()&0o044 != 0 && warn != nil {
			warn(fmt.Sprintf("warning: the Matrix %s file %s can be read by other users (mode %04o): chmod 600 %s",
				what, f, st.Mode().Perm(), f))
		}
	}
	if m.PasswordEnv != "" && os.Getenv(m.PasswordEnv) == "" {
		return mc, fmt.Errorf("matrix: environment variable %s is empty or unset", m.PasswordEnv)
	}
	return mc, nil
}

// matrixNetwork is the Matrix account of the configuration, through the
// live driver's Matrix adapter. code is the exit code of an error.
func matrixNetwork(cfg config, logger *slog.Logger, stderr io.Writer) (n *network, code int, err error) {
	mc, err := cfg.Matrix.clientConfig(stateRoot(cfg), func(w string) { fmt.Fprintln(stderr, "gavel:", w) })
	if err != nil {
		return nil, 2, err
	}
	client, err := matrixclient.New(mc, logger)
	if err != nil {
		return nil, 1, err
	}
	// Quit (the console's /quit) ends the client's Run as the end of
	// the run's context does.
	quit, stop := context.WithCancel(context.Background())
	mx := live.NewMatrix(client, stop)
	n = &network{Network: mx, matrix: mx, server: mc.Homeserver, nick: mc.UserID, channels: roomWindows(mc.Rooms),
		owns: multinet.MatrixNames}
	n.run = func(ctx context.Context) error {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		defer context.AfterFunc(quit, cancel)()
		return client.Run(ctx)
	}
	return n, 0, nil
}

// accountDir names a Matrix account's directory: "@nirik:fedora.im" is
// "nirik_fedora.im".
func accountDir(userID string) string { return meeting.ChannelDir(strings.TrimPrefix(userID, "@")) }

// stateRoot is the directory gavel keeps its state under: the parent of
// the journal directory when one is configured, else $XDG_STATE_HOME/gavel.
func stateRoot(cfg config) string {
	if cfg.JournalDir != "" {
		return filepath.Dir(filepath.Clean(cfg.JournalDir))
	}
	return defaultStateDir()
}

// roomWindows are the rooms the console opens windows for at start: those
// named by alias (a window is titled by the room's alias; a room joined
// by ID gets its window when it is joined, under its alias if it has one).
func roomWindows(rooms []string) []string {
	var out []string
	for _, r := range rooms {
		if strings.HasPrefix(r, "#") {
			out = append(out, r)
		}
	}
	return out
}
