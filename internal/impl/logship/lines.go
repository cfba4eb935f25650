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
	// Pos is where the line ends in its file (nil for standard input): once
	// the line is acknowledged, a restarted agent goes on from there.
	Pos *Position
}

// lineReader splits a reader into lines. At the end of the data it keeps an
// incomplete last line until more data completes it (a file being appended
// to) or flush is called (the source is done).
type lineReader struct {
	r        *bufio.Reader
	partial  []byte
	complete bool // partial is a whole line (its ending already trimmed)

	// The position of the end of the line last returned: base (where reading
	// started in the file) + bytes read - bytes read but not returned yet.
	base, read, unreturned int64
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, MaxLine)}
}

// reset reads r from offset base of its file, forgetting any incomplete line
// (a truncated file).
func (lr *lineReader) reset(r io.Reader, base int64) {
	lr.r.Reset(r)
	lr.partial, lr.complete = nil, false
	lr.base, lr.read, lr.unreturned = base, 0, 0
}

// end is the file offset just after the line last returned.
func (lr *lineReader) end() int64 { return lr.base + lr.read - lr.unreturned }

// next returns the next line (without "\n" or "\r\n"; a longer one than
// MaxLine in pieces of MaxLine bytes), or the reader's error (io.EOF at the
// end of what is there now). The line is valid until the next call.
func (lr *lineReader) next() ([]byte, error) {
	for {
		if len(lr.partial) > MaxLine || (len(lr.partial) == MaxLine && !lr.complete) {
			line := lr.partial[:MaxLine:MaxLine]
			lr.partial = lr.partial[MaxLine:]
			lr.unreturned -= MaxLine
			return line, nil
		}
		if lr.complete {
			line := lr.partial
			lr.partial, lr.complete, lr.unreturned = nil, false, 0
			return line, nil
		}
		chunk, err := lr.r.ReadSlice('\n')
		lr.partial = append(lr.partial, chunk...)
		lr.read += int64(len(chunk))
		lr.unreturned += int64(len(chunk))
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
	lr.partial, lr.unreturned = nil, 0
	return trimEOL(line)
}

func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// lineSink sends lines to out with their source and, for a file (id not
// nil), their position.
type lineSink struct {
	out    chan<- Line
	source string
	id     *FileID
}

// emitLines sends every complete line lr has now, then returns the error
// that stopped it (io.EOF at the end of the data).
func (k lineSink) emitLines(lr *lineReader) error {
	for {
		b, err := lr.next()
		if err != nil {
			return err
		}
		k.emit(lr, b)
	}
}

// emit sends b, the line lr returned last. Empty lines are skipped (an
// event needs a message); their position is taken by the next line.
func (k lineSink) emit(lr *lineReader, b []byte) {
	if len(b) == 0 {
		return
	}
	l := Line{Text: string(b), Source: k.source}
	if k.id != nil {
		l.Pos = &Position{File: *k.id, Offset: lr.end()}
	}
	k.out <- l
}
