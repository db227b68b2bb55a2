package meeting

import (
	"slices"
	"testing"
)

func TestParseVote(t *testing.T) {
	tests := []struct {
		arg  string
		q    string
		opts []string
		ok   bool
	}{
		{"Ship F41? +1, 0, -1", "Ship F41?", []string{"+1", "0", "-1"}, true},
		{"Which day? Mon / Tue, mon", "Which day?", []string{"Mon", "Tue"}, true},
		{"Really?", "Really?", []string{"Yes", "No"}, true},
		{"Is a? b? c, d", "Is a? b?", []string{"c", "d"}, true},
		{"no question", "", nil, false},
		{"  ? a, b", "", nil, false},
	}
	for _, tt := range tests {
		q, opts, ok := ParseVote(tt.arg)
		if q != tt.q || !slices.Equal(opts, tt.opts) || ok != tt.ok {
			t.Errorf("ParseVote(%q) = %q, %q, %v", tt.arg, q, opts, ok)
		}
	}
	if o, ok := VoteChoice([]string{"Yes", "No"}, "  yes "); o != "Yes" || !ok {
		t.Errorf("VoteChoice = %q, %v", o, ok)
	}
	if _, ok := VoteChoice([]string{"+1", "0", "-1"}, "+2"); ok {
		t.Error("VoteChoice accepted +2")
	}
	if cmd, arg, ok := ParseCommand("#VOTE   +1 "); cmd != "vote" || arg != "+1 " || !ok {
		t.Errorf("ParseCommand = %q %q %v", cmd, arg, ok)
	}
}
