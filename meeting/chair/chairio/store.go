package chairio

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gavel/meeting/chair/agenda"
	"gavel/meeting/publish"
)

// StoreSchema is the "schema" field of a leftovers file.
const StoreSchema = "gavel.agenda-leftovers/1"

// maxStoreBytes caps a leftovers file read back (MaxItems items fit many
// times over).
const maxStoreBytes = 1 << 20

// Store keeps the items a meeting did not reach, one JSON file per key,
// under Dir (gavel's state directory beside the journal, e.g.
// $XDG_STATE_HOME/gavel/agenda):
//
//	<Dir>/<network>/<channel>/<name>.json
//
// Each path component is an injective, file-name-safe encoding of the
// key's part (so any channel or meeting name is safe and two keys never
// share a file); files are written atomically.
type Store struct {
	Dir string
	// Fold folds channel names as the network does (ircclient's CASEMAPPING
	// folding); nil means strings.ToLower.
	Fold func(string) string
}

// saved is the file format.
type saved struct {
	Schema  string      `json:"schema"`
	Network string      `json:"network"`
	Channel string      `json:"channel"`
	Name    string      `json:"name"`
	Saved   time.Time   `json:"saved"`
	Items   []savedItem `json:"items"`
}

type savedItem struct {
	Title   string `json:"title"`
	URL     string `json:"url,omitempty"`
	Timebox string `json:"timebox,omitempty"` // "10m", "1h30m"
}

func (s *Store) fold(k agenda.Key) agenda.Key {
	f := s.Fold
	if f == nil {
		f = strings.ToLower
	}
	return agenda.Key{Network: strings.ToLower(k.Network), Channel: f(k.Channel), Name: k.Name}
}

// Path is the file that holds key's leftovers.
func (s *Store) Path(k agenda.Key) (string, error) {
	if k.Channel == "" || k.Name == "" {
		return "", errors.New("agenda: leftovers need a channel and a meeting name")
	}
	if s.Dir == "" {
		return "", errors.New("agenda: no state directory for leftovers")
	}
	k = s.fold(k)
	return filepath.Join(s.Dir, component(k.Network), component(k.Channel), component(k.Name)+".json"), nil
}

// component encodes s as one file-name component: [a-z0-9_-] are kept,
// every other byte becomes %XX; "" is "%"; an encoding longer than 120
// bytes is cut and followed by "~" and a SHA-256 prefix of s. The encoding
// is injective (up to the hash), never "." or "..", and has no '/'.
func component(s string) string {
	if s == "" {
		return "%"
	}
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	out := b.String()
	if len(out) > 120 {
		sum := sha256.Sum256([]byte(s))
		out = out[:80] + "~" + hex.EncodeToString(sum[:16])
	}
	return out
}

// Load returns the leftovers kept under k as an offer, or nil when there
// are none. A file that cannot be read or is not a leftovers file is an
// error, and is left alone.
func (s *Store) Load(k agenda.Key) (*agenda.Offer, error) {
	path, err := s.Path(k)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("agenda: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStoreBytes+1))
	if err != nil {
		return nil, fmt.Errorf("agenda: %s: %w", path, err)
	}
	if len(data) > maxStoreBytes {
		return nil, fmt.Errorf("agenda: %s: larger than %d KiB; not a leftovers file", path, maxStoreBytes>>10)
	}
	var doc saved
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("agenda: %s: not a leftovers file: %v", path, err)
	}
	if doc.Schema != StoreSchema {
		return nil, fmt.Errorf("agenda: %s: schema %q, want %q", path, agenda.Cut(agenda.Clean(doc.Schema), 40), StoreSchema)
	}
	fk := s.fold(agenda.Key{Network: doc.Network, Channel: doc.Channel, Name: doc.Name})
	if fk != s.fold(k) {
		return nil, nil // another key whose long name hashed alike
	}
	o := &agenda.Offer{Key: k, SavedAt: doc.Saved}
	for i, si := range doc.Items {
		if len(o.Items) == agenda.MaxItems {
			break
		}
		var box time.Duration
		if si.Timebox != "" {
			d, ok, err := agenda.ParseTimebox(si.Timebox)
			if !ok || err != nil {
				return nil, fmt.Errorf("agenda: %s: item %d: bad timebox %q", path, i+1, agenda.Cut(agenda.Clean(si.Timebox), 20))
			}
			box = d
		}
		it, err := agenda.NewItem(si.Title, si.URL, box)
		if err != nil {
			return nil, fmt.Errorf("agenda: %s: item %d: %w", path, i+1, err)
		}
		o.Items = append(o.Items, it)
	}
	if len(o.Items) == 0 {
		return nil, nil
	}
	return o, nil
}

// Save keeps items under k (replacing what was there); no items removes
// the file.
func (s *Store) Save(k agenda.Key, items []agenda.Item, at time.Time) error {
	path, err := s.Path(k)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return s.remove(path)
	}
	doc := saved{Schema: StoreSchema, Network: k.Network, Channel: k.Channel, Name: k.Name, Saved: at.UTC(), Items: []savedItem{}}
	for _, it := range items {
		si := savedItem{Title: it.Title, URL: it.URL}
		if it.Timebox > 0 {
			si.Timebox = agenda.FormatTimebox(it.Timebox)
		}
		doc.Items = append(doc.Items, si)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("agenda: keep leftovers: %w", err)
	}
	err = publish.WriteFile(path, 0o600, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(doc)
	})
	if err != nil {
		return fmt.Errorf("agenda: keep leftovers: %w", err)
	}
	return nil
}

func (s *Store) remove(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("agenda: %w", err)
	}
	return nil
}

// Finish keeps what meeting final did not reach, at #endmeeting: the
// agenda's leftovers, preceded by the offered items when the offer was for
// this very key and was not accepted (so declining loses nothing). When an
// accepted offer came from another key (the meeting was renamed since),
// that key's file is removed: its items are now this meeting's.
func (s *Store) Finish(final agenda.Key, a *agenda.Agenda, at time.Time) error {
	left := a.Leftovers()
	offer, accepted := a.OfferState()
	finalPath, err := s.Path(final)
	if err != nil {
		return err
	}
	var offerPath string
	if offer != nil {
		offerPath, _ = s.Path(offer.Key)
	}
	if offer != nil && !accepted && offerPath == finalPath {
		left = append(dedupe(offer.Items, left), left...)
	}
	if err := s.Save(final, left, at); err != nil {
		return err
	}
	if offer != nil && accepted && offerPath != "" && offerPath != finalPath {
		return s.remove(offerPath)
	}
	return nil
}

// dedupe returns the items of first that are not in second.
func dedupe(first, second []agenda.Item) []agenda.Item {
	var out []agenda.Item
	for _, it := range first {
		dup := false
		for _, o := range second {
			if strings.EqualFold(it.Title, o.Title) && it.URL == o.URL {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, it)
		}
	}
	return out
}
