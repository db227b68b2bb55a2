package ircdtest

import (
	"context"
	"testing"
	"time"
)

func TestInspIRCdAccounts(t *testing.T) {
	s := StartInspIRCd(t, Options{})
	s.RegisterAccounts(map[string]string{"alice": "alicepass1", "bob": "bobpass123"})
}

func TestNgircd(t *testing.T) {
	s := StartNgircd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lc, err := Dial(ctx, s.Addr(), "probe")
	if err != nil {
		t.Fatal(err)
	}
	lc.Close()
}
