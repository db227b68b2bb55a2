package matrixclient

import "strings"

// LogName is how a member is named in a meeting and its log, given the
// name the room shows (Sender.Name, Member.Name): one word, so that a
// mention of the member is the name they speak under and a line of the
// .log.txt reads back the same. Whitespace runs and '<' '>' become '_',
// and a user ID loses its leading '@' (the log's operator mark).
//
//	Kevin Fenzi              → Kevin_Fenzi
//	Sam (@sam:fedora.im)     → Sam_(@sam:fedora.im)
//	@nirik:fedora.im         → nirik:fedora.im
func LogName(name string) string {
	name = strings.Join(strings.Fields(name), "_")
	name = strings.Map(func(r rune) rune {
		if r == '<' || r == '>' {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimPrefix(name, "@")
	if strings.HasPrefix(name, "+") || strings.HasPrefix(name, "@") {
		name = "_" + name[1:]
	}
	if name == "" {
		name = "_"
	}
	return name
}
