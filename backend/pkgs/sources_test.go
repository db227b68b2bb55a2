package pkgs

import (
	"errors"
	"strings"
	"testing"

	"gavel/backend/internal/testsrv"
)

func TestParseSourcesFixtures(t *testing.T) {
	for _, f := range []string{"distgit/sources/mailman3.sources", "distgit/sources/pagure.sources", "distgit/sources-2015/pagure.sources"} {
		es, err := ParseSources(string(testsrv.Read(t, f)))
		if err != nil || len(es) == 0 {
			t.Errorf("%s: %v %v", f, es, err)
		}
	}
}

func TestParseSources(t *testing.T) {
	md5 := "2991a679ea6c3c141c0585cd45896709"
	sha := strings.Repeat("ab", 64)
	tests := []struct {
		name    string
		in      string
		want    []SourceEntry
		errLine int
	}{
		{"old", md5 + "  pagure-1.0.tar.gz\n", []SourceEntry{{"md5", "pagure-1.0.tar.gz", md5}}, 0},
		{"tagged", "SHA512 (p.tar.gz) = " + sha + "\n", []SourceEntry{{"sha512", "p.tar.gz", sha}}, 0},
		{"blank lines and CRLF", "\n" + md5 + "  a.tgz\r\n\n", []SourceEntry{{"md5", "a.tgz", md5}}, 0},
		{"duplicates dropped", md5 + "  a.tgz\n" + md5 + "  a.tgz\n", []SourceEntry{{"md5", "a.tgz", md5}}, 0},
		{"upper-case hex", strings.ToUpper(md5) + "  a.tgz", []SourceEntry{{"md5", "a.tgz", md5}}, 0},
		{"empty", "", nil, 0},
		{"mixed", md5 + "  a.tgz\nSHA512 (b.tgz) = " + sha, nil, 2},
		{"garbage", md5 + "  a.tgz\nhello world\n", nil, 2},
		{"short hash", "SHA512 (b.tgz) = abc", nil, 1},
		{"unknown type", "CRC32 (b.tgz) = abcdabcd", nil, 1},
		{"slash in name", md5 + "  ../etc/passwd", nil, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseSources(tc.in)
			if tc.errLine > 0 {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Line != tc.errLine {
					t.Fatalf("err = %v, want line %d", err, tc.errLine)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("entry %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func FuzzParseSources(f *testing.F) {
	f.Add("2991a679ea6c3c141c0585cd45896709  pagure-1.0.tar.gz\n")
	f.Add("SHA512 (p.tar.gz) = " + strings.Repeat("ab", 64) + "\n")
	f.Add("SHA512 () = \n  \n(")
	f.Fuzz(func(t *testing.T, in string) {
		es, err := ParseSources(in)
		if err != nil {
			return
		}
		types := map[string]bool{}
		for _, e := range es {
			types[e.HashType] = true
			if e.Filename == "" || strings.Contains(e.Filename, "/") || len(e.Hash) != hashLen[e.HashType] {
				t.Fatalf("bad entry %+v from %q", e, in)
			}
		}
		if len(types) > 1 {
			t.Fatalf("mixed hash types accepted: %q", in)
		}
	})
}
