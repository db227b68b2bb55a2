package panes

import "testing"

// TestMemberEntriesShowPower: a Matrix member's power level follows the
// name; an IRC member (power 0) shows none.
func TestMemberEntriesShowPower(t *testing.T) {
	for _, c := range []struct {
		m    Member
		want string
	}{
		{Member{Nick: "Alice", Prefix: "@", Power: 100}, "● @Alice 100"},
		{Member{Nick: "Bob_Smith", Prefix: "+", Power: 10}, "● +Bob_Smith 10"},
		{Member{Nick: "nirik", Prefix: "@"}, "● @nirik"},
		{Member{Nick: "carol"}, "●  carol"},
	} {
		got := ""
		for _, s := range MemberEntries([]Member{c.m})[0] {
			got += s.Text
		}
		if got != c.want {
			t.Errorf("%+v: %q, want %q", c.m, got, c.want)
		}
	}
}
