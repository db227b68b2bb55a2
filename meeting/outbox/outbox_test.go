package outbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func line(t *testing.T, v any) []byte {
	t.Helper()
	l, err := Line(v)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestFileRoundTrip: appended lines are read back after a reopen, a
// rewrite replaces them, and a second opener is refused while the first
// holds the lock.
func TestFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	f, data, err := Open(dir, "x.outbox")
	if err != nil || data != nil {
		t.Fatalf("Open: %q %v", data, err)
	}
	if err := f.Append(line(t, 1)); err == nil {
		t.Fatal("Append before the first Rewrite")
	}
	if err := f.Rewrite(func(w io.Writer) error { _, err := w.Write(line(t, "a")); return err }); err != nil {
		t.Fatal(err)
	}
	if err := f.Append(line(t, "b"), line(t, map[string]string{"c": "<&>"})); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(dir, "x.outbox"); err == nil || !strings.Contains(err.Error(), "in use by another gavel") {
		t.Fatalf("a second Open: %v", err)
	}
	f.Close()
	f, data, err = Open(dir, "x.outbox")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []string
	if err := Read(bytes.NewReader(data), func(b []byte) error { got = append(got, string(b)); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != `"a" "b" {"c":"<&>"}` {
		t.Fatalf("read %q", got)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, ".x.outbox.tmp-*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

// TestReadCorruptAndTorn: a bad line in the middle is reported with its
// number and offset and skipped; a torn last line is dropped silently; a
// line the caller refuses is reported with its reason.
func TestReadCorruptAndTorn(t *testing.T) {
	good := line(t, 1)
	data := bytes.Join([][]byte{good, []byte("garbage\n"), line(t, 2), line(t, "no"), line(t, 3)[:6]}, nil)
	var got []string
	err := Read(bytes.NewReader(data), func(b []byte) error {
		var v any
		json.Unmarshal(b, &v)
		if v == "no" {
			return errors.New("refused")
		}
		got = append(got, string(b))
		return nil
	})
	var ce *CorruptError
	if !errors.As(err, &ce) || len(ce.Lines) != 2 || ce.Lines[0].N != 2 || ce.Lines[0].Offset != int64(len(good)) ||
		ce.Lines[0].Reason != "no checksum" || ce.Lines[1].Reason != "refused" {
		t.Fatalf("err %v (%+v)", err, ce)
	}
	if strings.Join(got, ",") != "1,2" {
		t.Fatalf("read %q", got)
	}
	flipped := append([]byte(nil), good...)
	flipped[10] ^= 1
	if err := Read(bytes.NewReader(append(flipped, good...)), func([]byte) error { return nil }); !errors.As(err, &ce) || ce.Lines[0].Reason != "checksum mismatch" {
		t.Fatalf("a flipped bit: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	b := Backoff{Min: time.Second, Max: 5 * time.Second}
	var got []time.Duration
	for range 5 {
		got = append(got, b.Next())
	}
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}; !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	b.Reset()
	if b.Next() != time.Second {
		t.Fatal("Reset did not start again")
	}
	var z Backoff
	if z.Next() != time.Second || z.Next() != 2*time.Second {
		t.Fatal("the zero Backoff")
	}
}
