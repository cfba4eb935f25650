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
		ID: "key_" + h[:16], Name: name, Tenant: "acme", // a fixed id per secret, as keys made before random ids have
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

func listKeys(t *testing.T, s store.Store, tenant string) []apikey.Key {
	t.Helper()
	keys, err := s.ListKeys(context.Background(), tenant)
	if err != nil {
		t.Fatalf("ListKeys(%s): %v", tenant, err)
	}
	return keys
}

func sameKeys(t *testing.T, want, got []apikey.Key) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("got %d keys, want %d", len(got), len(want))
	}
	for i := range want {
		if want[i].ID != got[i].ID {
			t.Fatalf("key %d is %s (%s), want %s (%s)", i, got[i].ID, got[i].Name, want[i].ID, want[i].Name)
		}
		sameKey(t, want[i], got[i])
	}
}

// testListKeys pins the order (creation time, then id; no creation time
// first), that revoked keys are listed, and that tenants see only their own.
func testListKeys(t *testing.T, s store.Store) {
	ctx := context.Background()
	revokedAt := base.Add(time.Hour)
	later := newKey("lw_later", "later")
	later.CreatedAt = base.Add(2 * time.Hour)
	tieA, tieB := newKey("lw_tie_a", "tie a"), newKey("lw_tie_b", "tie b")
	tieA.CreatedAt, tieB.CreatedAt = base.Add(time.Hour), base.Add(time.Hour)
	if tieA.ID > tieB.ID {
		tieA, tieB = tieB, tieA
	}
	undated := newKey("lw_undated", "undated")
	undated.CreatedAt = time.Time{}
	revoked := newKey("lw_revoked", "revoked")
	revoked.RevokedAt = &revokedAt
	theirs := newKey("lw_theirs", "theirs")
	theirs.Tenant = "other"
	for _, k := range []apikey.Key{later, tieB, theirs, revoked, undated, tieA} {
		if err := s.PutKey(ctx, k); err != nil {
			t.Fatalf("PutKey %s: %v", k.Name, err)
		}
	}
	sameKeys(t, []apikey.Key{undated, revoked, tieA, tieB, later}, listKeys(t, s, "acme"))
	sameKeys(t, []apikey.Key{theirs}, listKeys(t, s, "other"))
	sameKeys(t, nil, listKeys(t, s, "nobody"))
}

func testRevokeKey(t *testing.T, s store.Store) {
	ctx := context.Background()
	k := newKey("lw_revoke", "to revoke")
	stored := newKey("lw_stored_revoked", "stored revoked")
	storedAt := base.Add(-time.Hour)
	stored.RevokedAt = &storedAt
	theirs := newKey("lw_theirs", "theirs")
	theirs.Tenant = "other"
	for _, x := range []apikey.Key{k, stored, theirs} {
		if err := s.PutKey(ctx, x); err != nil {
			t.Fatalf("PutKey %s: %v", x.Name, err)
		}
	}

	at := time.Date(2026, 12, 24, 18, 30, 0, 987654321, time.FixedZone("CET", 3600))
	if err := s.RevokeKey(ctx, "acme", k.ID, at); err != nil {
		t.Fatalf("RevokeKey: %v", err)
	}
	revoked := k
	revoked.RevokedAt = &at
	sameKey(t, revoked, keyByHash(t, s, k.Hash))

	// Twice: no error, and the first time stays; also for a key stored revoked.
	if err := s.RevokeKey(ctx, "acme", k.ID, at.Add(time.Hour)); err != nil {
		t.Fatalf("RevokeKey again: %v", err)
	}
	if err := s.RevokeKey(ctx, "acme", stored.ID, at); err != nil {
		t.Fatalf("RevokeKey of a key stored revoked: %v", err)
	}
	sameKey(t, revoked, keyByHash(t, s, k.Hash))
	sameKey(t, stored, keyByHash(t, s, stored.Hash))

	// Another tenant's key is no key of this tenant's: not found, not revoked.
	for _, c := range []struct{ tenant, id string }{{"acme", theirs.ID}, {"other", k.ID}, {"acme", "key_unknown"}, {"", k.ID}} {
		if err := s.RevokeKey(ctx, c.tenant, c.id, at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("RevokeKey(%q, %q): err = %v, want ErrNotFound", c.tenant, c.id, err)
		}
	}
	sameKey(t, theirs, keyByHash(t, s, theirs.Hash))
	listed := []apikey.Key{stored, revoked} // created at the same time: by id
	if revoked.ID < stored.ID {
		listed[0], listed[1] = revoked, stored
	}
	sameKeys(t, listed, listKeys(t, s, "acme"))

	if err := s.RevokeKey(ctx, "other", theirs.ID, time.Time{}); err == nil {
		t.Error("RevokeKey at the zero time: got no error")
	}
	sameKey(t, theirs, keyByHash(t, s, theirs.Hash))
}
