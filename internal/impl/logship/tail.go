package logship

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// Tail follows one file like `tail -F`: it reads lines as they are appended,
// starts over when the file is truncated (copytruncate), and when the path is
// renamed away and recreated (rotation) it reads the old file to its end
// before it opens the new one. A file that does not exist yet is waited for.
//
// It polls rather than watching with inotify: polling works on every file
// system (network mounts, containers' overlays) and makes the order of
// "drain the old file, then switch" explicit.
type Tail struct {
	Path string
	// FromStart reads what the file already holds when the agent starts;
	// otherwise only lines appended later are shipped. Files created after
	// the start (and after rotations) are always read from their start.
	FromStart bool
	// Poll is how often the file is checked for new data, truncation and rotation.
	Poll time.Duration
	// Resume is where an earlier run left off (from the state file); it
	// overrides FromStart: the file is read from there when the path still
	// names that file, else from its start.
	Resume *Position
}

// Run sends the file's lines to out until ctx ends; it then reads the file to
// its current end (the last line too, even without its newline) and returns,
// so nothing written before the stop is lost. It returns an error only when
// the file cannot be read.
func (t Tail) Run(ctx context.Context, out chan<- Line) error {
	poll := t.Poll
	if poll <= 0 {
		poll = 250 * time.Millisecond
	}
	ticker := time.NewTicker(poll)
	defer ticker.Stop()
	var f *os.File
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	lr := newLineReader(nil)
	var sink lineSink
	first, stopping := true, false
	for {
		if f == nil {
			var err error
			if f, err = t.open(first); err != nil {
				return err
			}
			first = false // a file that appears later is new: all of it is shipped
			if f != nil {
				sink, err = t.start(f, lr, out)
				if err != nil {
					return err
				}
			}
		}
		if f != nil {
			if err := t.drain(sink, lr); err != nil {
				return err
			}
			if stopping {
				sink.emit(lr, lr.flush())
				return nil
			}
			switched, err := t.check(f, sink, lr)
			if err != nil {
				return err
			}
			if switched {
				f.Close()
				f = nil
				continue // open the new file at once
			}
		} else if stopping {
			return nil
		}
		select {
		case <-ctx.Done():
			stopping = true
		case <-ticker.C:
		}
	}
}

// open opens the file, positioned where the agent's first look at it
// starts if first (Resume, else the start or the end); it returns nil, nil
// while the file does not exist.
func (t Tail) open(first bool) (*os.File, error) {
	f, err := os.Open(t.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tail %s: %w", t.Path, err)
	}
	if !first {
		return f, nil
	}
	// With a position of an earlier run, the path naming another file means
	// it was created since: all of it is new.
	off, whence := int64(0), io.SeekStart
	if o, ok := resumeOffset(t.Resume, f); ok {
		off = o
	} else if t.Resume == nil && !t.FromStart {
		whence = io.SeekEnd
	}
	if _, err := f.Seek(off, whence); err != nil {
		f.Close()
		return nil, fmt.Errorf("tail %s: %w", t.Path, err)
	}
	return f, nil
}

// start makes lr read f from where it is positioned, and the sink of its lines.
func (t Tail) start(f *os.File, lr *lineReader, out chan<- Line) (lineSink, error) {
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return lineSink{}, fmt.Errorf("tail %s: %w", t.Path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return lineSink{}, fmt.Errorf("tail %s: %w", t.Path, err)
	}
	lr.reset(f, pos)
	return lineSink{out: out, source: t.Path, id: fileID(fi)}, nil
}

// drain sends every complete line the file has now.
func (t Tail) drain(sink lineSink, lr *lineReader) error {
	if err := sink.emitLines(lr); !errors.Is(err, io.EOF) {
		return fmt.Errorf("tail %s: %w", t.Path, err)
	}
	return nil
}

// check looks for rotation and truncation after f was read to its end. On
// rotation (the path names another file now) it reads f to its end once
// more, sends its incomplete last line, and reports true: the caller opens
// the new file. On truncation it starts reading f from its start again.
func (t Tail) check(f *os.File, sink lineSink, lr *lineReader) (switched bool, err error) {
	cur, err := f.Stat()
	if err != nil {
		return false, fmt.Errorf("tail %s: %w", t.Path, err)
	}
	now, err := os.Stat(t.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil // renamed away, not recreated yet: keep reading the old file
	case err != nil:
		return false, fmt.Errorf("tail %s: %w", t.Path, err)
	case !os.SameFile(cur, now):
		if err := t.drain(sink, lr); err != nil {
			return false, err
		}
		sink.emit(lr, lr.flush())
		return true, nil
	}
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return false, fmt.Errorf("tail %s: %w", t.Path, err)
	}
	if cur.Size() < pos {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return false, fmt.Errorf("tail %s: %w", t.Path, err)
		}
		lr.reset(f, 0)
	}
	return false, nil
}
