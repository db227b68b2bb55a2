package main

import (
	"io"
	"sync"
)

// ordered serialises the output of jobs 0, 1, 2, ... run in parallel, so
// that it reads as if they had run one after another: the job whose turn
// it is writes through, the others keep their output until their turn.
// A job holding maxHeld bytes waits for its turn before writing more, and
// job i may only start (Start) once the jobs before i-window have ended,
// so memory stays bounded however long the jobs and their output.
type ordered struct {
	mu     sync.Mutex
	turn   *sync.Cond
	out    [2]io.Writer // stdout, stderr
	head   int          // the job whose turn it is
	held   map[int]*heldOutput
	ended  map[int]bool
	window int
}

// heldOutput is the output of a job waiting for its turn.
type heldOutput struct {
	chunks []chunk
	n      int
}

type chunk struct {
	stream int
	b      []byte
}

// maxHeld is how much output a job keeps before its turn.
const maxHeld = 1 << 20

func newOrdered(stdout, stderr io.Writer, window int) *ordered {
	o := &ordered{out: [2]io.Writer{stdout, stderr}, held: map[int]*heldOutput{}, ended: map[int]bool{}, window: window}
	o.turn = sync.NewCond(&o.mu)
	return o
}

// Start waits until job i may run.
func (o *ordered) Start(i int) {
	o.mu.Lock()
	for i >= o.head+o.window {
		o.turn.Wait()
	}
	o.mu.Unlock()
}

// write writes p for job i on a stream (0 stdout, 1 stderr).
func (o *ordered) write(i, stream int, p []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i != o.head && o.held[i] != nil && o.held[i].n >= maxHeld {
		o.turn.Wait()
	}
	if i == o.head {
		_, _ = o.out[stream].Write(p)
		return
	}
	h := o.held[i]
	if h == nil {
		h = &heldOutput{}
		o.held[i] = h
	}
	h.chunks = append(h.chunks, chunk{stream, append([]byte(nil), p...)})
	h.n += len(p)
}

// End says job i has ended: the jobs after it get their turn in order.
func (o *ordered) End(i int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.ended[i] = true
	for o.ended[o.head] {
		delete(o.ended, o.head)
		o.head++
		if h := o.held[o.head]; h != nil {
			for _, c := range h.chunks {
				_, _ = o.out[c.stream].Write(c.b)
			}
			delete(o.held, o.head)
		}
	}
	o.turn.Broadcast()
}

// Writers returns job i's stdout and stderr.
func (o *ordered) Writers(i int) (stdout, stderr io.Writer) {
	return jobWriter{o, i, 0}, jobWriter{o, i, 1}
}

type jobWriter struct {
	o         *ordered
	i, stream int
}

func (w jobWriter) Write(p []byte) (int, error) {
	w.o.write(w.i, w.stream, p)
	return len(p), nil
}
