package logship

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Reader ships the lines of a stream (standard input) until its end. When
// ctx ends first, it goes on reading for as long as data keeps arriving
// within Grace, so what a producer wrote into the pipe before the stop is
// shipped too.
type Reader struct {
	R      io.Reader
	Source string
	Grace  time.Duration
}

// Run sends the stream's lines to out; see Reader.
func (s Reader) Run(ctx context.Context, out chan<- Line) error {
	cr := &chanReader{ctx: ctx, grace: s.Grace, chunks: make(chan []byte), done: make(chan struct{})}
	defer close(cr.done)
	go cr.pump(s.R)
	lr := newLineReader(cr)
	sink := lineSink{out: out, source: s.Source}
	err := sink.emitLines(lr)
	sink.emit(lr, lr.flush())
	if errors.Is(err, io.EOF) {
		return nil
	}
	return fmt.Errorf("read %s: %w", s.Source, err)
}

// chanReader reads a blocking reader in a goroutine, so that a read can end
// when ctx does (plus the grace) although the underlying read cannot be
// interrupted. The goroutine ends with the stream or with the process.
type chanReader struct {
	ctx      context.Context
	grace    time.Duration
	chunks   chan []byte
	err      error // set by pump before chunks is closed
	done     chan struct{}
	pending  []byte
	stopping bool
}

func (c *chanReader) pump(r io.Reader) {
	defer close(c.chunks)
	for {
		buf := make([]byte, 32<<10)
		n, err := r.Read(buf)
		if n > 0 {
			select {
			case c.chunks <- buf[:n]:
			case <-c.done:
				return
			}
		}
		if err != nil {
			c.err = err
			return
		}
	}
}

func (c *chanReader) Read(p []byte) (int, error) {
	for len(c.pending) == 0 {
		var grace <-chan time.Time
		ctxDone := c.ctx.Done()
		if c.stopping {
			grace, ctxDone = time.After(c.grace), nil
		}
		select {
		case chunk, ok := <-c.chunks:
			if !ok {
				return 0, c.err
			}
			c.pending = chunk
		case <-ctxDone:
			c.stopping = true
		case <-grace:
			return 0, io.EOF
		}
	}
	n := copy(p, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}
