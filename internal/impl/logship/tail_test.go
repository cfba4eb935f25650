package logship

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type tailRun struct {
	out    chan Line
	cancel context.CancelFunc
	done   chan error
}

func startTail(t *testing.T, tl Tail) *tailRun {
	t.Helper()
	tl.Poll = 5 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	r := &tailRun{out: make(chan Line, 100), cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- tl.Run(ctx, r.out) }()
	t.Cleanup(func() { cancel(); <-r.done })
	return r
}

// stop ends the tail and waits for it, failing the test on an error.
func (r *tailRun) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		r.done <- err // for the cleanup
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the tail did not stop")
	}
}

func appendTo(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// waitOpened waits until the tail holds path open, so what is appended next
// is after its starting point.
func waitOpened(t *testing.T, path string) {
	t.Helper()
	target, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		fds, _ := os.ReadDir("/proc/self/fd")
		for _, fd := range fds {
			if l, _ := os.Readlink("/proc/self/fd/" + fd.Name()); l == target {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s was not opened", path)
		}
		time.Sleep(5 * time.Millisecond) // pacing the poll of a condition, not synchronization
	}
}

func TestTailFollowsTruncationAndRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	appendTo(t, path, strings.Repeat("before the start\n", 10))
	r := startTail(t, Tail{Path: path})
	waitOpened(t, path)

	appendTo(t, path, "a1\na")
	appendTo(t, path, "2\n")
	equalLines(t, collect(t, r.out, 2), "a1", "a2")

	// copytruncate: the file starts over, shorter than where the tail was
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path, "b1\n")
	equalLines(t, collect(t, r.out, 1), "b1")

	// rotation: the writer still appends to the renamed file for a while; the
	// tail reads it to its end (the unterminated last line too) before the new file
	old := path + ".1"
	w, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path, old); err != nil {
		t.Fatal(err)
	}
	w.WriteString("c1\nc2")
	w.Close()
	appendTo(t, path, "d1\n")
	equalLines(t, collect(t, r.out, 3), "c1", "c2", "d1")

	// stop: what is in the file is read to its end, last line without its newline included
	appendTo(t, path, "e1\ne2")
	r.stop(t)
	equalLines(t, collect(t, r.out, 2), "e1", "e2")
	select {
	case l := <-r.out:
		t.Fatalf("an extra line: %q", l.Text)
	default:
	}
}

func TestTailFromStartAndRecreatedFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	appendTo(t, path, "old 1\nold 2\n")
	r := startTail(t, Tail{Path: path, FromStart: true})
	equalLines(t, collect(t, r.out, 2), "old 1", "old 2")

	// removed and created anew: the new file is read from its start
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	appendTo(t, path, "new 1\n")
	equalLines(t, collect(t, r.out, 1), "new 1")
	r.stop(t)
}
