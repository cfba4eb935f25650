package apikey_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/fault"
)

// A flood of random bearer tokens must not evict the valid keys agents use:
// they stay cached, so the flood costs the store nothing for them.
func TestRandomTokensDoNotEvictValidKeys(t *testing.T) {
	const secret = "lw_valid_key_0123456789abcdefghij"
	var validLookups atomic.Int64
	lookup := func(_ context.Context, hash string) (apikey.Key, error) {
		if hash == apikey.Hash(secret) {
			validLookups.Add(1)
			return apikey.Key{ID: "k1", Tenant: "t"}, nil
		}
		return apikey.Key{}, fault.Errorf(fault.NotFound, "no such key")
	}
	a := apikey.NewAuthenticator(lookup, apikey.Options{TTL: time.Hour})
	ctx := context.Background()
	if _, err := a.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	for i := range 25000 { // well past the cache's 10,000 entries
		if _, err := a.Authenticate(ctx, fmt.Sprintf("lw_random_%d", i)); !errors.Is(err, apikey.ErrUnknown) {
			t.Fatalf("random token: %v", err)
		}
	}
	if _, err := a.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if n := validLookups.Load(); n != 1 {
		t.Errorf("the valid key was looked up %d times, want once: the flood evicted it", n)
	}
}

// Past the failure limit, an address's unknown secrets are refused without a
// lookup; other addresses, and keys already cached as valid, are unaffected.
func TestFailedAuthenticationsLimitedPerAddress(t *testing.T) {
	const secret = "lw_valid_key_0123456789abcdefghij"
	var lookups atomic.Int64
	lookup := func(_ context.Context, hash string) (apikey.Key, error) {
		lookups.Add(1)
		if hash == apikey.Hash(secret) {
			return apikey.Key{ID: "k1", Tenant: "t"}, nil
		}
		return apikey.Key{}, fault.Errorf(fault.NotFound, "no such key")
	}
	a := apikey.NewAuthenticator(lookup, apikey.Options{FailuresPerMinute: 5})
	attacker := apikey.WithClient(context.Background(), "192.0.2.1:4000")
	if _, err := a.Authenticate(attacker, secret); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := a.Authenticate(attacker, fmt.Sprint("lw_guess_", i)); !errors.Is(err, apikey.ErrUnknown) {
			t.Fatalf("guess %d: %v", i, err)
		}
	}
	before := lookups.Load()
	_, err := a.Authenticate(attacker, "lw_guess_next")
	var tooMany *apikey.TooManyFailures
	if !errors.As(err, &tooMany) || tooMany.RetryAfter < time.Second {
		t.Fatalf("sixth guess: %v, want TooManyFailures", err)
	}
	if lookups.Load() != before {
		t.Error("a blocked address's guess still reached the store")
	}
	if _, err := a.Authenticate(attacker, secret); err != nil {
		t.Errorf("cached valid key from the blocked address: %v", err)
	}
	other := apikey.WithClient(context.Background(), "198.51.100.7:5000")
	if _, err := a.Authenticate(other, "lw_guess_other"); !errors.Is(err, apikey.ErrUnknown) {
		t.Errorf("another address: %v, want ErrUnknown", err)
	}
}
