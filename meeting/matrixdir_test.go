package meeting

import (
	"strings"
	"testing"
	"time"
)

// The examples follow maubot-meetings' fedora backend (newest source,
// release 0.4.1): slugify(room_alias, replacements=[[":", "_matrix_"]],
// regex_pattern=r"[^-a-z0-9_]+") with python-slugify, worked through its
// steps by hand. Fedora's archive shows the first one at
// meetbot.fedoraproject.org/meeting_matrix_fedoraproject-org/.
func TestMatrixRoomDirAsFedorasMeetbot(t *testing.T) {
	for _, tc := range []struct{ alias, want string }{
		{"#meeting:fedoraproject.org", "meeting_matrix_fedoraproject-org"},
		{"#fedora-meeting-1:fedora.im", "fedora-meeting-1_matrix_fedora-im"},
		{"#Fedora_Meeting:Fedora.IM", "fedora_meeting_matrix_fedora-im"},
		{"#it's:x.org", "it-s_matrix_x-org"},
		{"#a--b..c:d", "a-b-c_matrix_d"},
		{"#1,000:x.y", "1000_matrix_x-y"},
		{"#café:example.org", "cafe_matrix_example-org"},
		{"#straße:example.org", "strasse_matrix_example-org"},
		{"#x&amp;y:z", "x-y_matrix_z"},
		{"#it&#39;s:z", "its_matrix_z"},
		{"#caf&#233;:z", "cafe-_matrix_z"},
		{"#&#x41;b:z", "ab_matrix_z"},
		{"!AbcDEF:fedora.im", "abcdef_matrix_fedora-im"},
		{"#__x__:y", "__x___matrix_y"},
		{"#-a-:b", "a-_matrix_b"},
		{"#::", "_matrix__matrix_"},
		{"###", "_"},
	} {
		if got := MatrixRoomDir(tc.alias); got != tc.want {
			t.Errorf("MatrixRoomDir(%q) = %q, want %q", tc.alias, got, tc.want)
		}
	}
}

func TestFedoraUserOfMatrixUser(t *testing.T) {
	for _, tc := range []struct {
		id, want string
		ok       bool
	}{
		{"@nirik:fedora.im", "nirik", true},
		{"@bcotton:fedora.im", "bcotton", true},
		{"@someone:matrix.org", "@someone:matrix.org", false},
		{"@x:fedora.im.evil", "@x:fedora.im.evil", false},
		{"nirik", "nirik", false},
		{"@:fedora.im", "@:fedora.im", false},
	} {
		got, ok := FedoraUser(tc.id)
		if got != tc.want || ok != tc.ok {
			t.Errorf("FedoraUser(%q) = %q, %v; want %q, %v", tc.id, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzMatrixRoomDir(f *testing.F) {
	for _, s := range []string{"#meeting:fedoraproject.org", "#it&#39;s:z", "#1,000:x", "#ÿ&#xFF;&#1114112;:z", "'''"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, alias string) {
		d := MatrixRoomDir(alias)
		if d == "" || len(d) > 255 || strings.HasPrefix(d, "-") || strings.HasSuffix(d, "-") || strings.Contains(d, "--") {
			t.Fatalf("MatrixRoomDir(%q) = %q", alias, d)
		}
		for _, r := range d {
			if !(r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')) {
				t.Fatalf("MatrixRoomDir(%q) = %q has %q", alias, d, r)
			}
		}
	})
}

func TestMatrixRoomsArchivedUnderFedorasDirectory(t *testing.T) {
	start := time.Date(2026, 12, 6, 16, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		channel string
		style   Style
		want    string
	}{
		{"#meeting:fedoraproject.org", StyleDefault, "meeting_matrix_fedoraproject-org/2026-12-06/infra.2026-12-06-16.00"},
		{"#meeting:fedoraproject.org", StyleZodbot, "meeting_matrix_fedoraproject-org/2026-12-06/infra.2026-12-06-16.00"},
		{"#fedora-meeting", StyleDefault, "fedora-meeting/2026-12-06/infra.2026-12-06-16.00"},
	} {
		m := &Meeting{Channel: tc.channel, Style: tc.style, Start: start}
		if got := m.NaturalRelBase("infra", ""); got != tc.want {
			t.Errorf("%s (%v): %q, want %q", tc.channel, tc.style, got, tc.want)
		}
	}
	if IsMatrixRoom("#fedora-meeting") || !IsMatrixRoom("!abc:x") || !IsMatrixRoom("#a:b") || IsMatrixRoom("#:") {
		t.Error("IsMatrixRoom")
	}
}
