package chairio

import (
	"context"
	"slices"
	"strings"
	"testing"

	"gavel/backend"
	"gavel/meeting/chair"
)

func TestParseVotersFromGroup(t *testing.T) {
	rt, err := backend.New(backend.Config{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	r, err := chair.ParseVoters(context.Background(), Lookups{rt}, nil, []string{"group:sysadmin-main"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := rt.Lookup(context.Background(), "members", []string{"sysadmin-main"})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, row := range res.Rows {
		want = append(want, row[0])
	}
	if len(want) == 0 || !slices.Equal(r.Members, want) || r.Group != "sysadmin-main" || r.Source != backend.SourceOffline {
		t.Errorf("roster %+v, want members %q", r, want)
	}
	if _, err := chair.ParseVoters(context.Background(), Lookups{rt}, nil, []string{"group:no-such-group"}); err == nil || !strings.Contains(err.Error(), "no-such-group") {
		t.Errorf("missing group: %v", err)
	}
}

func TestLookupAccountsThroughTheRouter(t *testing.T) {
	rt, err := backend.New(backend.Config{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Lookups{rt}.Accounts(context.Background(), "stbnruiz")
	if err != nil || !slices.Equal(got, []string{"stbnruiz001"}) {
		t.Errorf("LookupAccounts = %q, %v", got, err)
	}
	got, err = Lookups{rt}.Accounts(context.Background(), "nobody-here")
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("unknown nick: %q, %v", got, err)
	}
}
