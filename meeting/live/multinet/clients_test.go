package multinet

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
	"gavel/matrixclient"
	"gavel/matrixclient/dendritetest"
)

// chairClients are the chair's two accounts: an IRC client for nick
// "chair" in channel on the server at port, and a Matrix client for
// account in the room of alias "meet" on hs, each with its state in a
// temporary directory. tune, when not nil, changes the IRC config first.
func chairClients(t *testing.T, port int, channel string, hs *dendritetest.Server, account *dendritetest.User,
	syncTimeout time.Duration, tune func(*ircclient.Config)) (*ircclient.Client, *matrixclient.Client) {
	t.Helper()
	ic := ircclient.DefaultConfig()
	ic.Server, ic.Port, ic.TLS, ic.Nick, ic.Channels, ic.SendUnpaced = ircdtest.Host, port, false, "chair", []string{channel}, true
	if tune != nil {
		tune(&ic)
	}
	irc, err := ircclient.New(ic, nil)
	if err != nil {
		t.Fatal(err)
	}
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte(account.Password), 0o600); err != nil {
		t.Fatal(err)
	}
	mx, err := matrixclient.New(matrixclient.Config{Homeserver: hs.URL, UserID: account.UserID, PasswordFile: pw,
		Rooms: []string{dendritetest.Alias("meet")}, StateDir: t.TempDir(), SyncTimeout: syncTimeout}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return irc, mx
}
