package agenda

import (
	"fmt"
	"strings"
	"testing"
)

// benchAgenda is a long agenda in the Markdown people write: MaxItems
// items with links, timeboxes and some markup.
func benchAgenda() []byte {
	var b strings.Builder
	b.WriteString("# FESCo meeting agenda\n\n")
	for i := 0; i < MaxItems; i++ {
		fmt.Fprintf(&b, "- [#%d **Change**: Example change number %d](https://pagure.io/fesco/issue/%d) [%dm]\n  - a note under it\n", 3000+i, i, 3000+i, 5+i%20)
	}
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	data := benchAgenda()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if items, err := ParseBytes(data); err != nil || len(items) != MaxItems {
			b.Fatal(len(items), err)
		}
	}
}

func BenchmarkClean(b *testing.B) {
	hostile := "\x1b[31mred\x1b[0m \x02bold\x02 \x0304colour\x03 caf\xe9 tab\there  spaced"
	b.ReportAllocs()
	for b.Loop() {
		Clean(hostile)
		Clean("#3421 An ordinary clean title")
	}
}
