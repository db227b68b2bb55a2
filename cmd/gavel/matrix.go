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
	// StateDir keeps the device ID, the access token and the sync token
	// (default: matrix/<account> beside the journal directory, or in
	// $XDG_STATE_HOME/gavel; "@nirik:fedora.im" is "nirik_fedora.im").
	StateDir string `toml:"state_dir"`
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
	n = &network{Network: live.NewMatrix(client, stop), server: mc.Homeserver, nick: mc.UserID, channels: roomWindows(mc.Rooms),
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
