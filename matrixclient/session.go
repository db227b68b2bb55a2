package matrixclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// session is what the client keeps in StateDir/session.json between runs.
type session struct {
	Homeserver  string `json:"homeserver"`
	UserID      string `json:"user_id"`
	DeviceID    string `json:"device_id"`
	AccessToken string `json:"access_token,omitempty"` // empty with an access token file
	Since       string `json:"since,omitempty"`        // the last sync's next_batch
	// Last is the last event delivered per room: where a limited sync's
	// backfill stops.
	Last map[string]string `json:"last,omitempty"`
	// Acked is the last event per room the consumer said it has kept
	// (Ack): after a crash the client pages back to it.
	Acked map[string]string `json:"acked,omitempty"`
}

const sessionFile = "session.json"

// loadSession reads the session; a missing file is an empty session.
func loadSession(dir string) (session, error) {
	var s session
	b, err := os.ReadFile(filepath.Join(dir, sessionFile))
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("matrix: read session: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return session{}, fmt.Errorf("matrix: session file %s is damaged (remove it to log in again): %w", filepath.Join(dir, sessionFile), err)
	}
	return s, nil
}

// save writes the session atomically (temporary file, fsync, rename, fsync
// of the directory), mode 0600.
func (s session) save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("matrix: state directory: %w", err)
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("matrix: session: %w", err)
	}
	f, err := os.CreateTemp(dir, ".session-*.tmp")
	if err != nil {
		return fmt.Errorf("matrix: save session: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("matrix: save session: %w", err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("matrix: save session: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("matrix: save session: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("matrix: save session: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, sessionFile)); err != nil {
		return fmt.Errorf("matrix: save session: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
