package replay

import (
	"strconv"
	"testing"
)

// FuzzStubNames: the suffix and the start an archive put in a log's file
// name are read back as written, and any other name reads as none,
// without a panic.
func FuzzStubNames(f *testing.F) {
	f.Add("fedora-meeting/2020-06-10/magazine-2.2020-06-10-12.02.log.txt", "magazine", 2)
	f.Add("a/b.log.txt", "f-35", 35)
	f.Add("-2.2020-06-10-12.02.log.txt", "", 1)
	f.Fuzz(func(t *testing.T, path, name string, k int) {
		suffixOf(path)
		stampOf(path)
		k = 2 + (k%998+998)%998
		named := "dir/" + name + "-" + strconv.Itoa(k) + ".2020-06-10-12.02.log.txt"
		if got := suffixOf(named); got != k {
			t.Errorf("suffixOf(%q) = %d, want %d", named, got, k)
		}
		if got := stampOf(named); got != "2020-06-10-12.02" {
			t.Errorf("stampOf(%q) = %q", named, got)
		}
	})
}
