package pkgs

import (
	"fmt"
	"strings"
)

// SourceEntry is one line of a dist-git "sources" file.
type SourceEntry struct {
	HashType string `json:"hashtype"` // lower case: md5, sha1, sha256, sha512, ...
	Filename string `json:"filename"`
	Hash     string `json:"hash"` // lower-case hex
}

// ParseError reports a malformed line of a sources file.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("sources line %d: %s", e.Line, e.Msg) }

var hashLen = map[string]int{"md5": 32, "sha1": 40, "sha224": 56, "sha256": 64, "sha384": 96, "sha512": 128}

// ParseSources reads a sources file in either format: the old md5sum one
// ("<md5>  <file>") or the BSD tagged one ("SHA512 (<file>) = <hex>").
// Blank lines are skipped, repeated entries dropped; a malformed line or a
// file mixing hash types is an error naming the line.
func ParseSources(text string) ([]SourceEntry, error) {
	var out []SourceEntry
	seen := map[SourceEntry]bool{}
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimRight(line, " \t\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		e, err := parseSourceLine(line)
		if err != nil {
			return nil, &ParseError{Line: n, Msg: err.Error()}
		}
		if len(out) > 0 && out[0].HashType != e.HashType {
			return nil, &ParseError{Line: n, Msg: fmt.Sprintf("hash type %s mixed with %s", e.HashType, out[0].HashType)}
		}
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out, nil
}

func parseSourceLine(line string) (SourceEntry, error) {
	// Tagged: "SHA512 (name) = hex".
	if open := strings.Index(line, " ("); open > 0 && !strings.HasPrefix(line, " ") {
		if closeEq := strings.LastIndex(line, ") = "); closeEq > open {
			ht := strings.ToLower(line[:open])
			name := line[open+2 : closeEq]
			hash := strings.ToLower(line[closeEq+4:])
			if err := checkEntry(ht, name, hash); err != nil {
				return SourceEntry{}, err
			}
			return SourceEntry{HashType: ht, Filename: name, Hash: hash}, nil
		}
	}
	// md5sum: "hex  name" (two spaces; "hex *name" is binary mode).
	if hash, name, ok := strings.Cut(line, "  "); ok {
		hash = strings.ToLower(hash)
		if err := checkEntry("md5", name, hash); err != nil {
			return SourceEntry{}, err
		}
		return SourceEntry{HashType: "md5", Filename: name, Hash: hash}, nil
	}
	if hash, name, ok := strings.Cut(line, " *"); ok {
		hash = strings.ToLower(hash)
		if err := checkEntry("md5", name, hash); err != nil {
			return SourceEntry{}, err
		}
		return SourceEntry{HashType: "md5", Filename: name, Hash: hash}, nil
	}
	return SourceEntry{}, fmt.Errorf("malformed line %q", clipLine(line))
}

func checkEntry(ht, name, hash string) error {
	want, ok := hashLen[ht]
	if !ok {
		return fmt.Errorf("unknown hash type %q", clipLine(ht))
	}
	if len(hash) != want || strings.Trim(hash, "0123456789abcdef") != "" {
		return fmt.Errorf("%s hash %q is not %d hex digits", ht, clipLine(hash), want)
	}
	if name == "" || strings.ContainsAny(name, "/\x00") || name == "." || name == ".." {
		return fmt.Errorf("bad file name %q", clipLine(name))
	}
	return nil
}

func clipLine(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
