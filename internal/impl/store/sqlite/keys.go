package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

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

// keyCols is the column order of key queries and of scanKey.
const keyCols = "id, name, tenant, scopes, hash, created_at, revoked_at"

// KeyByHash uses the UNIQUE index on hash.
func (s *Store) KeyByHash(ctx context.Context, hash string) (apikey.Key, error) {
	rows, err := s.k.QueryContext(ctx, "SELECT "+keyCols+" FROM api_keys WHERE hash = ?", hash)
	if err != nil {
		return apikey.Key{}, fmt.Errorf("key by hash: %w", err)
	}
	keys, err := scanKeys(rows)
	if err != nil {
		return apikey.Key{}, fmt.Errorf("key by hash: %w", err)
	}
	if len(keys) == 0 {
		return apikey.Key{}, fmt.Errorf("key by hash: %w", store.ErrNotFound)
	}
	return keys[0], nil
}

// ListKeys scans the tenant's keys, which are few: api_keys has no index on
// tenant. Keys without a creation time (NULL) come first, as in MongoDB,
// where a missing field sorts before any number.
func (s *Store) ListKeys(ctx context.Context, tenant string) ([]apikey.Key, error) {
	rows, err := s.r.QueryContext(ctx,
		"SELECT "+keyCols+" FROM api_keys WHERE tenant = ? ORDER BY created_at, id", tenant)
	if err != nil {
		return nil, fmt.Errorf("list keys of %s: %w", tenant, err)
	}
	keys, err := scanKeys(rows)
	if err != nil {
		return nil, fmt.Errorf("list keys of %s: %w", tenant, err)
	}
	return keys, nil
}

// RevokeKey matches on tenant as well as id, so that a tenant can neither
// revoke nor learn of another tenant's key. COALESCE keeps the first
// revocation; the row still counts as affected, which tells a repeated
// revocation (nil) from an unknown key (ErrNotFound).
func (s *Store) RevokeKey(ctx context.Context, tenant, id string, at time.Time) error {
	n, err := check.Nanos(at) // the zero time is out of range too
	if err != nil {
		return fmt.Errorf("revoke key %s: revoked_at: %w", id, err)
	}
	res, err := s.w.ExecContext(ctx,
		"UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND tenant = ?", n, id, tenant)
	if err != nil {
		return fmt.Errorf("revoke key %s: %w", id, err)
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("revoke key %s: rows affected: %w", id, err)
	}
	if affected == 0 {
		return fmt.Errorf("revoke key %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// scanKeys reads rows laid out as keyCols and closes them.
func scanKeys(rows *sql.Rows) ([]apikey.Key, error) {
	defer rows.Close()
	var out []apikey.Key
	for rows.Next() {
		var (
			k                apikey.Key
			scopes           string
			created, revoked sql.NullInt64
		)
		if err := rows.Scan(&k.ID, &k.Name, &k.Tenant, &scopes, &k.Hash, &created, &revoked); err != nil {
			return nil, fmt.Errorf("scan key: %w", err)
		}
		if err := json.Unmarshal([]byte(scopes), &k.Scopes); err != nil {
			return nil, fmt.Errorf("key %s scopes: %w", k.ID, err)
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
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read keys: %w", err)
	}
	return out, nil
}
