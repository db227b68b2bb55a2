package matrixclient

import "testing"

func TestLogNameIsOneWord(t *testing.T) {
	for in, want := range map[string]string{
		"Dave Jones":           "Dave_Jones",
		"  Dave \t Jones ":     "Dave_Jones",
		"Sam (@sam:fedora.im)": "Sam_(@sam:fedora.im)",
		"@nirik:fedora.im":     "nirik:fedora.im",
		"a<b>c":                "a_b_c",
		"+voice":               "_voice",
		"":                     "_",
		"Carol":                "Carol",
	} {
		if got := LogName(in); got != want {
			t.Errorf("LogName(%q) = %q, want %q", in, got, want)
		}
	}
}
