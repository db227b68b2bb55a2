package ircclient

import (
	"strings"

	"golang.org/x/text/secure/precis"
)

// CaseFoldFor returns the fold of a server that announces CASEMAPPING
// and UTF8MAPPING (ISUPPORT tokens). UTF8MAPPING=rfc8265, which Ergo
// announces beside CASEMAPPING=ascii, folds non-ASCII names with PRECIS
// (RFC 8265's UsernameCaseMapped profile, as the server compares them):
// "Ärger" and "ärger" are one nick. ASCII names fold by CASEMAPPING; a
// name PRECIS refuses folds by CASEMAPPING alone. Other UTF8MAPPING
// values are unknown and ignored.
func CaseFoldFor(casemapping, utf8mapping string) func(string) string {
	base := CaseFold(casemapping)
	if !strings.EqualFold(utf8mapping, "rfc8265") {
		return base
	}
	return func(s string) string { return foldPRECIS(s, base) }
}

// chanPrefixes are the channel type characters a fold keeps as they are.
const chanPrefixes = "#&!+"

// foldPRECIS folds s with PRECIS when it holds a non-ASCII byte, else
// with base. PRECIS folding is repeated until it is stable (at most four
// times, as RFC 8264 advises); a name it refuses is folded by base.
func foldPRECIS(s string, base func(string) string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return base(s)
	}
	// A channel's type prefix is kept and the name after it folded, as
	// Ergo does: PRECIS refuses names that start with '#'.
	if i := strings.IndexFunc(s, func(r rune) bool { return !strings.ContainsRune(chanPrefixes, r) }); i > 0 {
		return s[:i] + foldPRECIS(s[i:], base)
	}
	prev := s
	for range 4 {
		next, err := precis.UsernameCaseMapped.CompareKey(prev)
		if err != nil {
			return base(s)
		}
		if next == prev {
			return next
		}
		prev = next
	}
	return base(s)
}

// CaseFold returns the function that folds nicks and channel names for
// comparison under a server's CASEMAPPING (ISUPPORT token):
//
//   - "ascii": A-Z become a-z;
//   - "rfc1459-strict" (also spelled "strict-rfc1459"): ascii plus []\ → {}|;
//   - "rfc1459", "" or anything unknown: rfc1459-strict plus ~ → ^.
//
// rfc1459 is the default because it is what servers that announce nothing
// use, and what replay assumes. The returned function does not allocate
// when the name is already folded.
func CaseFold(casemapping string) func(string) string {
	switch strings.ToLower(casemapping) {
	case "ascii":
		return foldASCII
	case "rfc1459-strict", "strict-rfc1459":
		return foldStrict
	}
	return foldRFC1459
}

func foldASCII(s string) string   { return foldWith(s, &asciiTable) }
func foldStrict(s string) string  { return foldWith(s, &strictTable) }
func foldRFC1459(s string) string { return foldWith(s, &rfc1459Table) }

var asciiTable, strictTable, rfc1459Table = foldTables()

func foldTables() (ascii, strict, rfc [256]byte) {
	for i := range 256 {
		ascii[i] = byte(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		ascii[c] = byte(c + 32)
	}
	strict = ascii
	strict['['], strict[']'], strict['\\'] = '{', '}', '|'
	rfc = strict
	rfc['~'] = '^'
	return ascii, strict, rfc
}

// foldWith maps every byte of s through t; bytes of multi-byte UTF-8
// sequences are all >= 0x80 and map to themselves.
func foldWith(s string, t *[256]byte) string {
	i := 0
	for i < len(s) && t[s[i]] == s[i] {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	for ; i < len(b); i++ {
		b[i] = t[b[i]]
	}
	return string(b)
}
