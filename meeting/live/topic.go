package live

import (
	"strings"
	"unicode/utf8"
)

// topicLimiter is a Network that knows the server's TOPICLEN
// (*ircclient.Client's TopicLen; 0 when unknown).
type topicLimiter interface {
	TopicLen() int
}

// ellipsis marks a topic shortened to fit.
const ellipsis = "…"

// fitTopic fits a topic the engine set to limit bytes (the server's
// TOPICLEN; 0 means no limit). The meeting's part, the suffix
// " (Meeting topic: <title>)", is kept whole: the topic before it is
// shortened (with an ellipsis). Only when the meeting's part alone is too
// long is its end cut, at a UTF-8 boundary.
func fitTopic(topic, title string, limit int) string {
	if limit <= 0 || len(topic) <= limit {
		return topic
	}
	suffix := " (Meeting topic: " + title + ")"
	if title == "" || !strings.HasSuffix(topic, suffix) {
		return cutUTF8(topic, limit)
	}
	head := strings.TrimSuffix(topic, suffix)
	room := limit - len(suffix) - len(ellipsis)
	if room <= 0 {
		return cutUTF8(strings.TrimPrefix(suffix, " "), limit)
	}
	return strings.TrimRight(cutUTF8(head, room), " ") + ellipsis + suffix
}

// cutUTF8 is s cut to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
