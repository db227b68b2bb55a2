package live

// Split returns the lines the IRC connection would send for Say(target,
// text): a text longer than one line goes as several. nil when the
// connection does not say.
func (n *IRC) Split(target, text string) []string {
	if s, ok := n.c.(interface {
		Split(target, text string) []string
	}); ok {
		return s.Split(target, text)
	}
	return nil
}
