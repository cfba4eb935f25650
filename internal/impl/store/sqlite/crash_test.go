package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// The crash tests run a writer in a child process (this test binary again,
// running TestCrashHelper), kill it with SIGKILL at a chosen point of the
// write path, reopen its database and check that every acknowledged event is
// stored exactly once.

const (
	crashDirEnv   = "LIGHTWATCH_CRASH_DIR"
	crashPointEnv = "LIGHTWATCH_CRASH_POINT" // a hook point, or "anywhere"
	crashBatch    = 100
)

func crashID(batch, i int) string { return fmt.Sprintf("b%04d-%03d", batch, i) }

// TestCrashHelper is the child: it inserts batches, printing "acked N" after
// each, and compacts every third batch. At the hook point named by
// crashPointEnv (on the second compaction or fifth insert reaching it) it
// prints "stalled" and waits to be killed.
func TestCrashHelper(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("the child process of the crash tests")
	}
	point := os.Getenv(crashPointEnv)
	ctx := context.Background()
	o := Options{BlockEvents: 30, HeadEvents: 1 << 30, HeadAge: time.Hour}
	if point == "anywhere" {
		o.HeadEvents, o.HeadAge = 250, 5*time.Millisecond // the compactor on its own
	}
	s, err := Open(ctx, filepath.Join(dir, "lw.db"), o)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	s.logs.hook = func(p string) {
		if p != point {
			return
		}
		if seen[p]++; seen[p] == 2 && !strings.HasPrefix(p, "insert") || seen[p] == 5 {
			fmt.Println("stalled")
			select {}
		}
	}
	for b := 0; ; b++ {
		events := make([]event.Event, crashBatch)
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(b) * time.Second)
		for i := range events {
			events[i] = event.Event{ID: crashID(b, i), Tenant: "acme", Kind: event.KindLog, TS: at.Add(time.Duration(i%7) * time.Millisecond),
				Service: fmt.Sprint("svc-", i%3), Log: &event.Log{Level: event.LevelInfo, Message: fmt.Sprint("message ", b, " ", i)}}
		}
		// Every batch repeats the previous one's last ten: retries must not
		// duplicate, whether those are in the head or in blocks by now.
		if b > 0 {
			for i := range 10 {
				e := events[i]
				e.ID = crashID(b-1, crashBatch-1-i)
				events = append(events, e)
			}
		}
		if _, err := s.InsertEvents(ctx, events); err != nil {
			t.Fatal(err)
		}
		fmt.Println("acked", b)
		if b%3 == 2 && point != "anywhere" {
			if err := s.Compact(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestKillDuringCompactionOrIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	for _, point := range []string{"compaction before commit", "compaction after commit", "insert before commit", "anywhere"} {
		t.Run(strings.ReplaceAll(point, " ", "_"), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashHelper$", "-test.count=1")
			cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashPointEnv+"="+point)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			cmd.Stderr = os.Stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			acked := -1
			stalled := false
			lines := bufio.NewScanner(out)
			for lines.Scan() {
				line := lines.Text()
				if n, ok := strings.CutPrefix(line, "acked "); ok {
					fmt.Sscan(n, &acked)
				}
				// "anywhere": kill at a moment the child chose nothing about,
				// with the background compactor busy.
				if line == "stalled" || (point == "anywhere" && acked >= 40) {
					stalled = true
					break
				}
			}
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if !stalled {
				t.Fatalf("the child ended before the crash point (acked %d)", acked)
			}
			if acked < 3 {
				t.Fatalf("acked only %d batches", acked)
			}
			// A child stalled at a hook point stored at most the batch in
			// flight beyond the last acknowledged; one killed anywhere went on
			// inserting until the kill.
			checkAcked(t, filepath.Join(dir, "lw.db"), acked, point != "anywhere")
		})
	}
}

// checkAcked reopens the database and checks that batches 0..acked are all
// there once, and that nothing else is but possibly the batch in flight.
func checkAcked(t *testing.T, path string, acked int, bounded bool) {
	t.Helper()
	ctx := context.Background()
	s := openAt(t, path)
	var want []string
	for b := 0; b <= acked; b++ {
		for i := range crashBatch {
			want = append(want, crashID(b, i))
		}
	}
	got, err := s.GetEvents(ctx, "acme", want)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range got {
		seen[e.ID]++
	}
	for _, id := range want {
		if seen[id] != 1 {
			t.Fatalf("acknowledged event %s stored %d times", id, seen[id])
		}
	}
	// The whole listing, head and blocks: no event twice.
	listed := map[string]int{}
	var after *store.Cursor
	for {
		p, err := s.QueryLogs(ctx, store.LogQuery{Window: store.Window{Tenant: "acme", Limit: 1000, After: after}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Events {
			if listed[e.ID]++; listed[e.ID] > 1 {
				t.Fatalf("event %s listed twice", e.ID)
			}
		}
		if p.Next == nil {
			break
		}
		after = p.Next
	}
	n, err := s.CountEvents(ctx, "acme", event.KindLog)
	if err != nil {
		t.Fatal(err)
	}
	// At most the batch in flight, which the kill may have caught after its
	// commit but before its "acked".
	if n != int64(len(listed)) || n < int64(len(want)) || (bounded && n > int64(len(want)+crashBatch)) {
		t.Errorf("%d events counted, %d listed, %d acknowledged", n, len(listed), len(want))
	}
	// And a compaction after the restart keeps them.
	if err := s.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	if n2, _ := s.CountEvents(ctx, "acme", event.KindLog); n2 != n {
		t.Errorf("after compaction: %d events, before %d", n2, n)
	}
	t.Logf("acknowledged %d batches, %d events stored", acked+1, n)
}
