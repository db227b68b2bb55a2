package ircclient

import "strings"

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
