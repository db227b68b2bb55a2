package ircclient

import "github.com/ergochat/irc-go/ircfmt"

// StripFormatting removes IRC formatting codes (bold, colour, italics,
// underline, reverse, monospace, reset) from raw message text, for minutes.
func StripFormatting(s string) string { return ircfmt.Strip(s) }
