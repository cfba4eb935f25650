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
	atEnd, stopping := !t.FromStart, false
	for {
		if f == nil {
			var err error
			if f, err = t.open(atEnd); err != nil {
				return err
			}
			atEnd = false // a file that appears later is new: all of it is shipped
			if f != nil {
				lr.reset(f)
			}
		}
		if f != nil {
			if err := t.drain(lr, out); err != nil {
				return err
			}
			if stopping {
				emit(lr.flush(), t.Path, out)
				return nil
			}
			switched, err := t.check(f, lr, out)
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

// open opens the file, at its end if atEnd; it returns nil, nil while the
// file does not exist.
func (t Tail) open(atEnd bool) (*os.File, error) {
	f, err := os.Open(t.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tail %s: %w", t.Path, err)
	}
	if atEnd {
		if _, err := f.Seek(0, io.SeekEnd); err != nil {
			f.Close()
			return nil, fmt.Errorf("tail %s: %w", t.Path, err)
		}
	}
	return f, nil
}

// drain sends every complete line the file has now.
func (t Tail) drain(lr *lineReader, out chan<- Line) error {
	if err := emitLines(lr, t.Path, out); !errors.Is(err, io.EOF) {
		return fmt.Errorf("tail %s: %w", t.Path, err)
	}
	return nil
}

// check looks for rotation and truncation after f was read to its end. On
// rotation (the path names another file now) it reads f to its end once
// more, sends its incomplete last line, and reports true: the caller opens
// the new file. On truncation it starts reading f from its start again.
func (t Tail) check(f *os.File, lr *lineReader, out chan<- Line) (switched bool, err error) {
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
		if err := t.drain(lr, out); err != nil {
			return false, err
		}
		emit(lr.flush(), t.Path, out)
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
		lr.reset(f)
	}
	return false, nil
}
