package alerting

import (
	"context"
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
