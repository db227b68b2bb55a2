package meeting

import "strings"

// Dialect is the spelling of meeting commands in a channel: MeetBot's
// "#topic" (IRC, and Matrix rooms that keep it) or Fedora's Matrix
// meetbot's "!topic" (maubot-meetings), chosen per channel or room. The
// commands, their rights and their replies are the same; only the
// command character differs, and the Fedora dialect also takes the short
// forms maubot-meetings accepts ("!sm", "!em", "!mn", "!t"; see
// CommandInfo.Short).
type Dialect int

const (
	// DialectMeetBot: commands start with '#'.
	DialectMeetBot Dialect = iota
	// DialectFedora: commands start with '!', short forms accepted.
	DialectFedora
)

// Prefix is the character the dialect's commands start with.
func (d Dialect) Prefix() byte {
	if d == DialectFedora {
		return '!'
	}
	return '#'
}

// String is the configuration spelling of the dialect.
func (d Dialect) String() string {
	if d == DialectFedora {
		return "fedora"
	}
	return "meetbot"
}

// ParseDialect reads a dialect's configuration spelling: "meetbot" (or
// "#", or "") and "fedora" (or "!", or "maubot").
func ParseDialect(s string) (Dialect, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "meetbot", "zodbot", "#":
		return DialectMeetBot, true
	case "fedora", "maubot", "!":
		return DialectFedora, true
	}
	return DialectMeetBot, false
}

// shortIndex finds a command by its short form (Fedora dialect).
var shortIndex = func() map[string]*CommandInfo {
	idx := map[string]*CommandInfo{}
	for i := range commandTable {
		if s := commandTable[i].Short; s != "" {
			idx[s] = &commandTable[i]
		}
	}
	return idx
}()

// parse splits a command line of the engine's dialect: "#cmd arg" (or
// "!cmd arg"), the command lower-cased and, in the Fedora dialect, a short
// form replaced by its command's name.
func (e *Engine) parse(text string) (cmd, arg string, ok bool) {
	p := e.opts.Dialect.Prefix()
	if len(text) < 2 || text[0] != p {
		return "", "", false
	}
	cmd, arg, ok = parseCommandAfter(text)
	if ok && e.opts.Dialect == DialectFedora {
		if c := shortIndex[cmd]; c != nil && commandIndex[cmd] == nil {
			cmd = c.Name
		}
	}
	return cmd, arg, ok
}

// word is a command as the dialect spells it ("#topic", "!topic").
func (e *Engine) word(name string) string { return string(e.opts.Dialect.Prefix()) + name }

// startsWithWord reports whether text starts with word(name), without
// building it.
func (e *Engine) startsWithWord(text, name string) bool {
	return len(text) > len(name) && text[0] == e.opts.Dialect.Prefix() && text[1:1+len(name)] == name
}

// spelled rewrites a reply's "#cmd" words in the dialect's spelling.
func (e *Engine) spelled(words []string) []string {
	if e.opts.Dialect == DialectMeetBot {
		return words
	}
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = e.word(strings.TrimPrefix(w, "#"))
	}
	return out
}
