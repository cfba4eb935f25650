// Package testwait is how tests wait: on a condition, with a deadline, never
// on a sleep of a guessed length.
package testwait

import (
	"testing"
	"time"
)

// poll is the pause between two checks of a condition.
const poll = 5 * time.Millisecond

// Until checks cond until it holds, and fails the test, naming what it
// waited for, when it still does not hold after within.
func Until(t testing.TB, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", within, what)
		}
		time.Sleep(poll)
	}
}
