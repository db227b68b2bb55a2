package ircclient

import (
	"strconv"
	"strings"
)

// isupport holds the server's 005 tokens.
type isupport map[string]string

func (is isupport) add(params []string) {
	// 005 <nick> TOKEN TOKEN=value -TOKEN :are supported by this server
	if len(params) < 3 {
		return
	}
	for _, tok := range params[1 : len(params)-1] {
		if strings.HasPrefix(tok, "-") {
			delete(is, tok[1:])
			continue
		}
		k, v, _ := strings.Cut(tok, "=")
		is[k] = v
	}
}

func (is isupport) chanTypes() string {
	if ct, ok := is["CHANTYPES"]; ok {
		return ct
	}
	return "#&"
}

// prefix returns the mode letters and prefix symbols of PREFIX=(ohv)@%+.
func (is isupport) prefix() (modes, symbols string) {
	p, ok := is["PREFIX"]
	if !ok {
		return "ov", "@+"
	}
	if i := strings.IndexByte(p, ')'); strings.HasPrefix(p, "(") && i > 0 && len(p)-i-1 == i-1 {
		return p[1:i], p[i+1:]
	}
	return "", ""
}

// targMax is the TARGMAX limit for cmd (0 = none given or unlimited).
func (is isupport) targMax(cmd string) int {
	for item := range strings.SplitSeq(is["TARGMAX"], ",") {
		k, v, _ := strings.Cut(item, ":")
		if strings.EqualFold(k, cmd) {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// chanLimit is the CHANLIMIT for channels of type t ('#'), 0 if unlimited/unknown.
func (is isupport) chanLimit(t byte) int {
	for item := range strings.SplitSeq(is["CHANLIMIT"], ",") {
		k, v, _ := strings.Cut(item, ":")
		if strings.IndexByte(k, t) >= 0 {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}
