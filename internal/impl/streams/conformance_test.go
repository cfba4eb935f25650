package streams_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
	"github.com/lightwatch/lightwatch/internal/impl/testwait"
)

// implementations runs the conformance suite's test against the in-process
// log and against a real redis-server: what the live path and alerting rely
// on must hold on both.
func implementations(t *testing.T, test func(t *testing.T, s streams.Streams)) {
	t.Run("memory", func(t *testing.T) { test(t, streams.NewMemory()) })
	t.Run("redis-server", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
		defer cancel()
		client, stop, err := redisconn.Connect(ctx, redistest.Start(t), slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
		test(t, streams.NewRedis(client))
	})
}

func records(stream string, from, n int) []streams.Record {
	out := make([]streams.Record, n)
	for i := range out {
		out[i] = streams.Record{Stream: stream, Entry: streams.Entry{
			Event: fmt.Appendf(nil, `{"id":"e-%06d"}`, from+i), Tenant: "acme", Kind: "log"}}
	}
	return out
}

func add(t *testing.T, s streams.Streams, maxLen int64, recs []streams.Record) {
	t.Helper()
	if err := s.Add(t.Context(), maxLen, recs); err != nil {
		t.Fatalf("Add: %v", err)
	}
}

func events(msgs []streams.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = string(m.Event)
	}
	return out
}

func recEvents(recs []streams.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Event)
	}
	return out
}

func ids(msgs []streams.Message) []streams.ID {
	out := make([]streams.ID, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

func all(t *testing.T, s streams.Streams, stream string) []streams.Message {
	t.Helper()
	msgs, err := s.Range(t.Context(), stream, streams.ID{}, 0)
	if err != nil {
		t.Fatalf("Range: %v", err)
	}
	return msgs
}

// Entries keep their order and fields, under ids that only increase, and
// Range, First and Last see them.
func TestAddAndRange(t *testing.T) {
	implementations(t, func(t *testing.T, s streams.Streams) {
		if _, ok, err := s.Last(t.Context(), "s"); ok || err != nil {
			t.Fatalf("Last of a missing stream = %v, %v; want none", ok, err)
		}
		add(t, s, 0, records("s", 0, 3))
		add(t, s, 0, append(records("s", 3, 2), records("other", 0, 1)...))
		msgs := all(t, s, "s")
		want := recEvents(append(records("s", 0, 3), records("s", 3, 2)...))
		if got := events(msgs); !slices.Equal(got, want) {
			t.Fatalf("entries %v, want %v", got, want)
		}
		for i := 1; i < len(msgs); i++ {
			if !msgs[i-1].ID.Less(msgs[i].ID) {
				t.Fatalf("id %s after %s", msgs[i].ID, msgs[i-1].ID)
			}
		}
		if m := msgs[0]; m.Tenant != "acme" || m.Kind != "log" {
			t.Fatalf("fields %+v, want tenant acme, kind log", m.Entry)
		}
		first, ok1, err1 := s.First(t.Context(), "s")
		last, ok2, err2 := s.Last(t.Context(), "s")
		if !ok1 || !ok2 || err1 != nil || err2 != nil || first != msgs[0].ID || last != msgs[4].ID {
			t.Fatalf("First, Last = %s, %s; want %s, %s", first, last, msgs[0].ID, msgs[4].ID)
		}
		from, err := s.Range(t.Context(), "s", msgs[2].ID, 2)
		if err != nil || !slices.Equal(ids(from), ids(msgs[2:4])) {
			t.Fatalf("Range from the third, count 2 = %v, %v; want %v", ids(from), err, ids(msgs[2:4]))
		}
		if id, err := streams.ParseID(msgs[3].ID.String()); err != nil || id != msgs[3].ID {
			t.Fatalf("ParseID(String()) = %v, %v", id, err)
		}
	})
}

// Trimming keeps at least maxLen entries, the newest, and not many more;
// the oldest id moves on, which is what makes a resume from before it a reset.
func TestTrimming(t *testing.T) {
	implementations(t, func(t *testing.T, s streams.Streams) {
		const maxLen, total = 100, 2000
		for i := 0; i < total; i += 50 {
			add(t, s, maxLen, records("s", i, 50))
		}
		msgs := all(t, s, "s")
		if len(msgs) < maxLen || len(msgs) > 3*maxLen {
			t.Fatalf("%d entries kept, want about %d", len(msgs), maxLen)
		}
		if got, want := string(msgs[len(msgs)-1].Event), fmt.Sprintf(`{"id":"e-%06d"}`, total-1); got != want {
			t.Fatalf("newest entry %s, want %s", got, want)
		}
		first, _, _ := s.First(t.Context(), "s")
		if first != msgs[0].ID {
			t.Fatalf("First = %s, want the oldest kept %s", first, msgs[0].ID)
		}
	})
}

// Read returns what follows each cursor, up to count per stream, and only
// streams that have something.
func TestReadFromCursors(t *testing.T) {
	implementations(t, func(t *testing.T, s streams.Streams) {
		add(t, s, 0, records("a", 0, 5))
		add(t, s, 0, records("b", 0, 1))
		a := all(t, s, "a")
		b := all(t, s, "b")
		r := s.Reader(t.Context())
		defer r.Close()
		got, err := r.Read(t.Context(), []streams.Cursor{{"a", a[1].ID}, {"b", b[0].ID}, {"c", streams.ID{}}}, 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0].Stream != "a" || !slices.Equal(ids(got[0].Messages), ids(a[2:4])) {
			t.Fatalf("Read = %+v, want a's 3rd and 4th entries only", got)
		}
		got, err = r.Read(t.Context(), []streams.Cursor{{"a", a[4].ID}}, 10, 0)
		if err != nil || got != nil {
			t.Fatalf("Read at the end without blocking = %v, %v; want nil", got, err)
		}
	})
}

// A blocked Read returns as soon as an entry is added, long before its
// block ends; with nothing added it returns nil at the end of the block.
func TestBlockingReadWokenByAdd(t *testing.T) {
	implementations(t, func(t *testing.T, s streams.Streams) {
		add(t, s, 0, records("s", 0, 1))
		last, _, _ := s.Last(t.Context(), "s")
		r := s.Reader(t.Context())
		defer r.Close()
		start := time.Now()
		got, err := r.Read(t.Context(), []streams.Cursor{{"s", last}}, 10, 50*time.Millisecond)
		if err != nil || got != nil || time.Since(start) < 40*time.Millisecond {
			t.Fatalf("Read with nothing new = %v, %v after %s; want nil after the block", got, err, time.Since(start))
		}
		type result struct {
			b   []streams.Batch
			err error
		}
		done := make(chan result, 1)
		started := make(chan struct{})
		go func() {
			close(started)
			b, err := r.Read(t.Context(), []streams.Cursor{{"s", last}}, 10, time.Minute)
			done <- result{b, err}
		}()
		<-started
		add(t, s, 0, records("s", 1, 1))
		select {
		case res := <-done:
			if res.err != nil || len(res.b) != 1 || string(res.b[0].Messages[0].Event) != `{"id":"e-000001"}` {
				t.Fatalf("woken Read = %+v, %v", res.b, res.err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a Read blocked for a minute was not woken by an Add")
		}
	})
}

// A Reader's blocked read ends when the Reader's context does.
func TestReaderEndsWithItsContext(t *testing.T) {
	implementations(t, func(t *testing.T, s streams.Streams) {
		// Redis can only wake a read that is blocked in it (CLIENT UNBLOCK):
		// cancel once it is. A cancelled in-process read ends wherever it is.
		blocked := func() bool { return true }
		if rs, ok := s.(*streams.Redis); ok {
			blocked = func() bool {
				info, err := rs.Client().Info(t.Context(), "clients").Result()
				return err == nil && strings.Contains(info, "blocked_clients:1")
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		r := s.Reader(ctx)
		defer r.Close()
		done := make(chan struct{})
		go func() {
			_, _ = r.Read(ctx, []streams.Cursor{{"s", streams.ID{}}}, 10, time.Minute)
			close(done)
		}()
		testwait.Until(t, "the read to block", 15*time.Second, blocked)
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("a blocked Read outlived its Reader's context")
		}
	})
}

// Consumer groups as alerting uses them: a group starts at the stream's
// end; each entry goes to one consumer; read entries are pending until
// acknowledged; an idle pending entry can be claimed by another consumer; a
// removed consumer takes its pending entries with it; NOACK reads leave
// nothing pending.
func TestConsumerGroups(t *testing.T) {
	implementations(t, func(t *testing.T, s streams.Streams) {
		ctx := t.Context()
		add(t, s, 0, records("s", 0, 2)) // before the group: never delivered
		for range 2 {                    // a second create keeps the group
			if err := s.CreateGroup(ctx, "s", "g"); err != nil {
				t.Fatalf("CreateGroup: %v", err)
			}
		}
		r := s.Reader(ctx)
		defer r.Close()
		readGroup := func(consumer string, noAck bool) []streams.Message {
			t.Helper()
			b, err := r.ReadGroup(ctx, "g", consumer, []string{"s"}, 100, 0, noAck)
			if err != nil {
				t.Fatalf("ReadGroup: %v", err)
			}
			if len(b) == 0 {
				return nil
			}
			return b[0].Messages
		}
		pending := func(consumer string) int64 {
			t.Helper()
			n, err := s.Pending(ctx, "s", "g", consumer)
			if err != nil {
				t.Fatalf("Pending: %v", err)
			}
			return n
		}
		if got := readGroup("c1", false); got != nil {
			t.Fatalf("a new group delivered %v, entries older than itself", events(got))
		}
		add(t, s, 0, records("s", 2, 3))
		got := readGroup("c1", false)
		if want := recEvents(records("s", 2, 3)); !slices.Equal(events(got), want) {
			t.Fatalf("c1 read %v, want %v", events(got), want)
		}
		if again := readGroup("c2", false); again != nil {
			t.Fatalf("c2 was delivered %v, already delivered to c1", events(again))
		}
		if n := pending("c1"); n != 3 {
			t.Fatalf("c1 pending %d, want 3", n)
		}
		if err := s.Ack(ctx, "s", "g", got[0].ID); err != nil {
			t.Fatal(err)
		}
		if n := pending("c1"); n != 2 {
			t.Fatalf("c1 pending after one ack %d, want 2", n)
		}
		// Entries idle for an hour are not claimed; with no minimum, c2 takes both.
		if msgs, _, err := s.AutoClaim(ctx, "s", "g", "c2", time.Hour, streams.ID{}, 100); err != nil || len(msgs) != 0 {
			t.Fatalf("AutoClaim min idle 1h = %v, %v; want nothing", events(msgs), err)
		}
		msgs, next, err := s.AutoClaim(ctx, "s", "g", "c2", 0, streams.ID{}, 100)
		if err != nil || !slices.Equal(ids(msgs), ids(got[1:])) || !next.IsZero() {
			t.Fatalf("AutoClaim = %v, next %s, %v; want %v and the end", ids(msgs), next, err, ids(got[1:]))
		}
		if a, b := pending("c1"), pending("c2"); a != 0 || b != 2 {
			t.Fatalf("pending c1 %d, c2 %d after the claim; want 0 and 2", a, b)
		}
		if err := s.DelConsumer(ctx, "s", "g", "c2"); err != nil {
			t.Fatal(err)
		}
		if n := pending("c2"); n != 0 {
			t.Fatalf("a removed consumer still has %d pending", n)
		}
		add(t, s, 0, records("s", 5, 2))
		if got := readGroup("c3", true); len(got) != 2 || pending("c3") != 0 {
			t.Fatalf("NOACK read %d entries leaving %d pending; want 2 and none", len(got), pending("c3"))
		}
	})
}

// Claiming pages through the pending list with the returned cursor, and
// pending entries trimmed from the stream are dropped, not returned.
func TestAutoClaimPagesAndDropsTrimmed(t *testing.T) {
	implementations(t, func(t *testing.T, s streams.Streams) {
		ctx := t.Context()
		if err := s.CreateGroup(ctx, "s", "g"); err != nil {
			t.Fatal(err)
		}
		add(t, s, 0, records("s", 0, 5))
		r := s.Reader(ctx)
		defer r.Close()
		if _, err := r.ReadGroup(ctx, "g", "c1", []string{"s"}, 100, 0, false); err != nil {
			t.Fatal(err)
		}
		var claimed []streams.Message
		start := streams.ID{}
		for range 10 {
			msgs, next, err := s.AutoClaim(ctx, "s", "g", "c2", 0, start, 2)
			if err != nil {
				t.Fatal(err)
			}
			claimed = append(claimed, msgs...)
			if next.IsZero() {
				break
			}
			start = next
		}
		if len(claimed) != 5 {
			t.Fatalf("claimed %d in pages of 2, want 5", len(claimed))
		}
		// Trim all five away (exact MAXLEN is approximate on Redis: add enough).
		for i := 0; i < 300; i += 100 {
			add(t, s, 1, records("s", 100+i, 100))
		}
		if first, _, _ := s.First(ctx, "s"); !claimed[4].ID.Less(first) {
			t.Skipf("the stream still holds claimed entries (first %s)", first)
		}
		msgs, _, err := s.AutoClaim(ctx, "s", "g", "c3", 0, streams.ID{}, 100)
		if err != nil || len(msgs) != 0 {
			t.Fatalf("AutoClaim of trimmed entries = %v, %v; want none", ids(msgs), err)
		}
		if n, _ := s.Pending(ctx, "s", "g", "c2"); n != 0 {
			t.Fatalf("%d trimmed entries still pending", n)
		}
	})
}

// Group operations on a group that does not exist say so with ErrNoGroup,
// which tells alerting to create it again.
func TestNoGroup(t *testing.T) {
	implementations(t, func(t *testing.T, s streams.Streams) {
		ctx := t.Context()
		add(t, s, 0, records("s", 0, 1))
		r := s.Reader(ctx)
		defer r.Close()
		if _, err := r.ReadGroup(ctx, "g", "c", []string{"s"}, 10, 0, false); !errors.Is(err, streams.ErrNoGroup) {
			t.Fatalf("ReadGroup = %v, want ErrNoGroup", err)
		}
		if _, _, err := s.AutoClaim(ctx, "s", "g", "c", 0, streams.ID{}, 10); !errors.Is(err, streams.ErrNoGroup) {
			t.Fatalf("AutoClaim = %v, want ErrNoGroup", err)
		}
		if _, err := s.Pending(ctx, "s", "g", "c"); !errors.Is(err, streams.ErrNoGroup) {
			t.Fatalf("Pending = %v, want ErrNoGroup", err)
		}
	})
}

// A reader that falls more than the stream's length behind is told that
// entries after its cursor were trimmed unread (in-process log only; Redis
// returns from the oldest entry without saying so).
func TestMemoryReportsTrimmedUnread(t *testing.T) {
	s := streams.NewMemory()
	add(t, s, 5, records("s", 0, 3))
	first := all(t, s, "s")[0].ID
	r := s.Reader(t.Context())
	defer r.Close()
	got, err := r.Read(t.Context(), []streams.Cursor{{"s", first}}, 10, 0)
	if err != nil || len(got) != 1 || got[0].Trimmed {
		t.Fatalf("Read within the stream = %+v, %v; want entries, not trimmed", got, err)
	}
	add(t, s, 5, records("s", 3, 10)) // trims everything after first
	got, err = r.Read(t.Context(), []streams.Cursor{{"s", first}}, 10, 0)
	if err != nil || len(got) != 1 || !got[0].Trimmed || len(got[0].Messages) != 5 {
		t.Fatalf("Read behind the trimmed head = %+v, %v; want the 5 left, marked trimmed", got, err)
	}
}
