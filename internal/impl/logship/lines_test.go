package logship

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// collect receives n lines from out, failing the test if they do not come within the deadline.
func collect(t *testing.T, out <-chan Line, n int) []string {
	t.Helper()
	var got []string
	deadline := time.After(20 * time.Second)
	for len(got) < n {
		select {
		case l := <-out:
			got = append(got, l.Text)
		case <-deadline:
			t.Fatalf("got %d of %d lines: %q", len(got), n, got)
		}
	}
	return got
}

func equalLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("lines %q, want %q", got, want)
	}
}

func TestLineReaderSplitsLongLinesAndTrimsEndings(t *testing.T) {
	long := strings.Repeat("x", 2*MaxLine+10)
	lr := newLineReader(strings.NewReader("a\r\n\nb\n" + long + "\ntail"))
	out := make(chan Line, 10)
	sink := lineSink{out: out, source: "f", id: &FileID{}}
	if err := sink.emitLines(lr); !errors.Is(err, io.EOF) {
		t.Fatalf("emitLines: %v", err)
	}
	sink.emit(lr, lr.flush())
	close(out)
	var got []string
	var ends []int64
	for l := range out {
		got = append(got, l.Text)
		ends = append(ends, l.Pos.Offset)
	}
	equalLines(t, got, "a", "b", long[:MaxLine], long[MaxLine:2*MaxLine], long[2*MaxLine:], "tail")
	// where each line ends in the input: what a restart resumes from
	n := int64(len(long))
	want := []int64{3, 6, 6 + MaxLine, 6 + 2*MaxLine, 6 + n + 1, 6 + n + 1 + 4}
	if fmt.Sprint(ends) != fmt.Sprint(want) {
		t.Errorf("positions %v, want %v", ends, want)
	}
}

func TestReaderShipsWhatArrivesWithinTheGraceAfterStop(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan Line, 10)
	done := make(chan error, 1)
	go func() { done <- Reader{R: pr, Source: "-", Grace: time.Second}.Run(ctx, out) }()

	io.WriteString(pw, "one\ntw")
	io.WriteString(pw, "o\n")
	equalLines(t, collect(t, out, 2), "one", "two")

	cancel()
	// Written after the stop, while the producer is still going: shipped, the
	// incomplete last line too; then the pipe stays quiet and Run ends.
	io.WriteString(pw, "three\nfour")
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not end after the grace")
	}
	equalLines(t, collect(t, out, 2), "three", "four")
}

func TestReaderEndsAtEOF(t *testing.T) {
	out := make(chan Line, 10)
	if err := (Reader{R: strings.NewReader("a\nb"), Source: "-"}).Run(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	equalLines(t, collect(t, out, 2), "a", "b")
}
