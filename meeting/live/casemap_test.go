package live

import (
	"strings"
	"testing"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/publish"
)

// TestChairFoldedAsErgoFolds: on a server that announces
// CASEMAPPING=ascii UTF8MAPPING=rfc8265 (Ergo), "#chair ärger" makes
// Ärger a chair: the engine compares nicks with the client's fold.
func TestChairFoldedAsErgoFolds(t *testing.T) {
	net := &recorder{nick: "chair"}
	c, err := New(Config{
		Archive: publish.New(t.TempDir(), meeting.StyleDefault, "https://m.example/"),
		Network: net, Fold: ircclient.CaseFoldFor("ascii", "rfc8265"),
	})
	if err != nil {
		t.Fatal(err)
	}
	online(c)
	net.feed(c, msg(1, "chair", "#startmeeting Umlauts"))
	net.feed(c, msg(2, "chair", "#chair ärger"))
	net.feed(c, msg(3, "Ärger", "#topic chaired by Ärger"))
	if got := c.Meeting("#meet").CurrentTopic(); got != "chaired by Ärger" {
		t.Errorf("topic %q: Ärger's #topic was not a chair's", got)
	}
	net.feed(c, msg(4, "Ärger", "#endmeeting"))
	if m := c.Meeting("#meet"); !m.Ended() {
		t.Error("Ärger's #endmeeting did not end the meeting")
	}
	if !strings.Contains(strings.Join(net.said, "\n"), "Meeting ended") {
		t.Errorf("said:\n%s", strings.Join(net.said, "\n"))
	}
}
