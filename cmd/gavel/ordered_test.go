package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// TestOrderedOutput: jobs ending in any order print as if run one after
// another, stdout and stderr each in job order; a job with more than
// maxHeld bytes of output waits for its turn and loses nothing.
func TestOrderedOutput(t *testing.T) {
	var out, errb bytes.Buffer
	o := newOrdered(&out, &errb, 8)
	w := func(i int) (func(string), func(string)) {
		so, se := o.Writers(i)
		return func(s string) { so.Write([]byte(s)) }, func(s string) { se.Write([]byte(s)) }
	}
	o2, e2 := w(2)
	o1, _ := w(1)
	o0, e0 := w(0)
	o2("two\n")
	e2("err two\n")
	o.End(2)
	o1("one\n")
	big := strings.Repeat("x", maxHeld+10) + "\n"
	var wg sync.WaitGroup
	wg.Go(func() { o1(big) }) // waits for job 1's turn
	o0("zero\n")
	e0("err zero\n")
	o.End(0)
	wg.Wait()
	o.End(1)
	if want := "zero\none\n" + big + "two\n"; out.String() != want {
		t.Fatalf("stdout %q...", out.String()[:min(40, out.Len())])
	}
	if want := "err zero\nerr two\n"; errb.String() != want {
		t.Fatalf("stderr %q", errb.String())
	}
}
