package alerting

import (
	"context"
	"strings"
	"testing"
)

func TestQueueCoalesces(t *testing.T) {
	q := newQueue()
	a, b := RuleKey{"t", "a"}, RuleKey{"t", "b"}
	q.push(a)
	q.push(b)
	q.push(a) // already queued
	ctx := context.Background()
	k, _ := q.pop(ctx)
	if k != a {
		t.Fatalf("popped %v, want a", k)
	}
	q.push(a) // nudged while running: once more after it
	q.push(a)
	k, _ = q.pop(ctx)
	if k != b {
		t.Fatalf("popped %v, want b (a is running)", k)
	}
	q.done(a)
	q.done(b)
	k, _ = q.pop(ctx)
	if k != a {
		t.Fatalf("popped %v, want a again", k)
	}
	q.done(a)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, ok := q.pop(cctx); ok {
		t.Error("popped from an empty queue")
	}
}

// Tenants take turns: a tenant with a backlog of rules does not hold up
// another's rule queued after it.
func TestQueueTenantsTakeTurns(t *testing.T) {
	q := newQueue()
	for _, id := range []string{"1", "2", "3", "4"} {
		q.push(RuleKey{"busy", id})
	}
	q.push(RuleKey{"quiet", "q"})
	ctx := context.Background()
	var got []string
	for range 5 {
		k, _ := q.pop(ctx)
		got = append(got, k.Tenant+"/"+k.ID)
	}
	want := []string{"busy/1", "quiet/q", "busy/2", "busy/3", "busy/4"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("order %v, want %v", got, want)
	}
}
