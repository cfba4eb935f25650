package logship

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// MaxLine is the longest line shipped as one event, in bytes: the ingest
// contract's longest message (65,536 characters) can never be exceeded by
// this many bytes. Longer lines are split into several events, never cut.
const MaxLine = 64 << 10

// Line is one line of a source, without its line ending.
type Line struct {
	Text   string
	Source string // the file's path, or "-" for standard input
}

// lineReader splits a reader into lines. At the end of the data it keeps an
// incomplete last line until more data completes it (a file being appended
// to) or flush is called (the source is done).
type lineReader struct {
	r        *bufio.Reader
	partial  []byte
	complete bool // partial is a whole line (its ending already trimmed)
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, MaxLine)}
}

// reset reads r from its start, forgetting any incomplete line (a truncated file).
func (lr *lineReader) reset(r io.Reader) {
	lr.r.Reset(r)
	lr.partial, lr.complete = nil, false
}

// next returns the next line (without "\n" or "\r\n"; a longer one than
// MaxLine in pieces of MaxLine bytes), or the reader's error (io.EOF at the
// end of what is there now). The line is valid until the next call.
func (lr *lineReader) next() ([]byte, error) {
	for {
		if len(lr.partial) > MaxLine || (len(lr.partial) == MaxLine && !lr.complete) {
			line := lr.partial[:MaxLine:MaxLine]
			lr.partial = lr.partial[MaxLine:]
			return line, nil
		}
		if lr.complete {
			line := lr.partial
			lr.partial, lr.complete = nil, false
			return line, nil
		}
		chunk, err := lr.r.ReadSlice('\n')
		lr.partial = append(lr.partial, chunk...)
		switch {
		case err == nil:
			lr.partial, lr.complete = trimEOL(lr.partial), true
		case !errors.Is(err, bufio.ErrBufferFull):
			return nil, err
		}
	}
}

// flush returns the incomplete last line, if any, and forgets it.
func (lr *lineReader) flush() []byte {
	line := lr.partial
	lr.partial = nil
	return trimEOL(line)
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// emitLines sends every complete line lr has now to out, then returns the
// error that stopped it (io.EOF at the end of the data). Empty lines are
// skipped: an event needs a message.
func emitLines(lr *lineReader, source string, out chan<- Line) error {
	for {
		b, err := lr.next()
		if err != nil {
			return err
		}
		emit(b, source, out)
	}
}

func emit(b []byte, source string, out chan<- Line) {
	if len(b) > 0 {
		out <- Line{Text: string(b), Source: source}
	}
}
