package minutes

import (
	"strings"
	"testing"
)

func TestWriteSectionsJoinsAsJoinSections(t *testing.T) {
	for _, sections := range [][][]string{
		nil,
		{{}},
		{{"a"}},
		{{"a", "b"}, {}, {"c"}},
		{{"one sWRAPs"}, {"two eWRAPe three"}},
		{{"sWRAPs a b c d e f g h i j k l m n o p q r s t u v w x y z a b c d e f g h i j k l m n o p q r s t u v w x y z eWRAPe"}},
		{{"sWR", "APs"}, {"eWR"}, {"APe"}},
	} {
		var b strings.Builder
		sw := stickyWriter{w: &b}
		sw.writeSections(sections, htmlSectionSep)
		joined := joinSections(sections, htmlSectionSep)
		if b.String() != joined {
			t.Errorf("%q: writeSections %q, joinSections %q", sections, b.String(), joined)
		}
		// Without a marker in a line, replaceWRAP leaves the whole as it is.
		if !hasWRAP(sections) && replaceWRAP(joined) != joined {
			t.Errorf("%q: no marker found, but replaceWRAP changes %q", sections, joined)
		}
		if strings.Contains(joined, "sWRAPs") != hasWRAP(sections) {
			t.Errorf("%q: hasWRAP %v", sections, hasWRAP(sections))
		}
	}
}
