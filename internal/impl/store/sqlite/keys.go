package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
)

// PutKey inserts k unless its ID exists. A different ID with the same hash is
// an error (UNIQUE constraint): two keys must never share a secret.
func (s *Store) PutKey(ctx context.Context, k apikey.Key) error {
	if err := check.Key(&k); err != nil {
		return fmt.Errorf("put key: %w", err)
	}
	scopes, err := json.Marshal(k.Scopes)
	if err != nil {
		return fmt.Errorf("put key %s: scopes: %w", k.ID, err)
	}
	var created, revoked any
	if n, ok, _ := check.OptionalNanos(k.CreatedAt); ok {
		created = n
	}
	if k.RevokedAt != nil {
		revoked, _ = check.Nanos(*k.RevokedAt)
	}
	_, err = s.w.ExecContext(ctx, `INSERT INTO api_keys (id, name, tenant, scopes, hash, created_at, revoked_at)
VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		k.ID, k.Name, k.Tenant, string(scopes), k.Hash, created, revoked)
	if err != nil {
		return fmt.Errorf("put key %s: %w", k.ID, err)
	}
	return nil
}

// KeyByHash uses the UNIQUE index on hash.
func (s *Store) KeyByHash(ctx context.Context, hash string) (apikey.Key, error) {
	var (
		k                apikey.Key
		scopes           string
		created, revoked sql.NullInt64
	)
	err := s.r.QueryRowContext(ctx,
		"SELECT id, name, tenant, scopes, hash, created_at, revoked_at FROM api_keys WHERE hash = ?", hash).
		Scan(&k.ID, &k.Name, &k.Tenant, &scopes, &k.Hash, &created, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return apikey.Key{}, fmt.Errorf("key by hash: %w", store.ErrNotFound)
	}
	if err != nil {
		return apikey.Key{}, fmt.Errorf("key by hash: %w", err)
	}
	if err := json.Unmarshal([]byte(scopes), &k.Scopes); err != nil {
		return apikey.Key{}, fmt.Errorf("key %s scopes: %w", k.ID, err)
	}
	if len(k.Scopes) == 0 {
		k.Scopes = nil
	}
	if created.Valid {
		k.CreatedAt = check.Time(created.Int64)
	}
	if revoked.Valid {
		t := check.Time(revoked.Int64)
		k.RevokedAt = &t
	}
	return k, nil
}
