package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

func newKey(secret, name string) apikey.Key {
	h := apikey.Hash(secret)
	return apikey.Key{
		ID: apikey.IDFromHash(h), Name: name, Tenant: "acme",
		Scopes: []apikey.Scope{apikey.ScopeIngest, apikey.ScopeRead},
		Hash:   h, CreatedAt: base,
	}
}

func keyByHash(t *testing.T, s store.Store, hash string) apikey.Key {
	t.Helper()
	k, err := s.KeyByHash(context.Background(), hash)
	if err != nil {
		t.Fatalf("KeyByHash: %v", err)
	}
	return k
}

// sameKey compares keys with times to the nanosecond, in UTC.
func sameKey(t *testing.T, want, got apikey.Key) {
	t.Helper()
	sameTime(t, want.ID+" created_at", want.CreatedAt, got.CreatedAt)
	if (want.RevokedAt == nil) != (got.RevokedAt == nil) {
		t.Fatalf("key %s revoked_at: got %v, want %v", want.ID, got.RevokedAt, want.RevokedAt)
	}
	if want.RevokedAt != nil {
		sameTime(t, want.ID+" revoked_at", *want.RevokedAt, *got.RevokedAt)
	}
	want.CreatedAt, got.CreatedAt, want.RevokedAt, got.RevokedAt = time.Time{}, time.Time{}, nil, nil
	if !reflect.DeepEqual(want, got) {
		t.Errorf("key differs:\n got %+v\nwant %+v", got, want)
	}
}

func testKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	k := newKey("lw_one", "ci")
	if _, err := s.KeyByHash(ctx, k.Hash); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("KeyByHash before PutKey: err = %v, want ErrNotFound", err)
	}
	if err := s.PutKey(ctx, k); err != nil {
		t.Fatalf("PutKey: %v", err)
	}
	sameKey(t, k, keyByHash(t, s, k.Hash))

	// The same id again is a no-op: the stored key is not replaced.
	again := k
	again.Name = "renamed"
	again.Scopes = []apikey.Scope{apikey.ScopeAdmin}
	if err := s.PutKey(ctx, again); err != nil {
		t.Fatalf("PutKey same id: %v", err)
	}
	sameKey(t, k, keyByHash(t, s, k.Hash))

	revokedAt := time.Date(2026, 12, 1, 0, 0, 0, 987654321, time.FixedZone("CET", 3600))
	r := newKey("lw_two", "old")
	r.Tenant, r.Scopes, r.RevokedAt = "other", []apikey.Scope{apikey.ScopeAdmin}, &revokedAt
	if err := s.PutKey(ctx, r); err != nil {
		t.Fatalf("PutKey revoked: %v", err)
	}
	sameKey(t, r, keyByHash(t, s, r.Hash))
	sameKey(t, k, keyByHash(t, s, k.Hash))

	if _, err := s.KeyByHash(ctx, apikey.Hash("lw_unknown")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("KeyByHash unknown: err = %v, want ErrNotFound", err)
	}
	if err := s.PutKey(ctx, apikey.Key{ID: "no-hash"}); err == nil {
		t.Error("PutKey without hash: got no error")
	}
}

// testKeySameHashOtherID pins that two keys can never share a hash, since
// KeyByHash could then return either.
func testKeySameHashOtherID(t *testing.T, s store.Store) {
	ctx := context.Background()
	k := newKey("lw_same", "first")
	if err := s.PutKey(ctx, k); err != nil {
		t.Fatalf("PutKey: %v", err)
	}
	other := k
	other.ID, other.Name = "key_other", "second"
	if err := s.PutKey(ctx, other); err == nil {
		t.Error("PutKey with another id and the same hash: got no error")
	}
	sameKey(t, k, keyByHash(t, s, k.Hash))
}
