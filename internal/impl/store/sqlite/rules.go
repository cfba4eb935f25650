package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
)

const ruleCols = "tenant, id, name, kind, definition, created_at, updated_at"

// nullableNanos stores the zero time as NULL, so it reads back as the zero time.
func nullableNanos(n int64, ok bool) any {
	if !ok {
		return nil
	}
	return n
}

// CreateRule relies on the primary key: a taken (tenant, id) inserts nothing.
func (s *Store) CreateRule(ctx context.Context, r store.Rule) error {
	if err := check.Rule(&r); err != nil {
		return fmt.Errorf("create rule: %w", err)
	}
	created, cok, _ := check.OptionalNanos(r.CreatedAt)
	updated, uok, _ := check.OptionalNanos(r.UpdatedAt)
	// The definition is bound as a string: TEXT keeps its bytes exactly.
	res, err := s.w.ExecContext(ctx, "INSERT INTO alert_rules ("+ruleCols+") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (tenant, id) DO NOTHING",
		r.Tenant, r.ID, r.Name, r.Kind, string(r.Definition), nullableNanos(created, cok), nullableNanos(updated, uok))
	if err != nil {
		return fmt.Errorf("create rule %s: %w", r.ID, err)
	}
	if err := oneRow(res); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("create rule %s: %w", r.ID, store.ErrConflict)
		}
		return fmt.Errorf("create rule %s: %w", r.ID, err)
	}
	return nil
}

// ReplaceRule leaves created_at alone: a rule keeps its creation time.
func (s *Store) ReplaceRule(ctx context.Context, r store.Rule) error {
	if err := check.Rule(&r); err != nil {
		return fmt.Errorf("replace rule: %w", err)
	}
	updated, uok, _ := check.OptionalNanos(r.UpdatedAt)
	res, err := s.w.ExecContext(ctx, "UPDATE alert_rules SET name = ?, kind = ?, definition = ?, updated_at = ? WHERE tenant = ? AND id = ?",
		r.Name, r.Kind, string(r.Definition), nullableNanos(updated, uok), r.Tenant, r.ID)
	if err != nil {
		return fmt.Errorf("replace rule %s: %w", r.ID, err)
	}
	if err := oneRow(res); err != nil {
		return fmt.Errorf("replace rule %s: %w", r.ID, err)
	}
	return nil
}

// DeleteRule deletes by primary key.
func (s *Store) DeleteRule(ctx context.Context, tenant, id string) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM alert_rules WHERE tenant = ? AND id = ?", tenant, id)
	if err != nil {
		return fmt.Errorf("delete rule %s: %w", id, err)
	}
	if err := oneRow(res); err != nil {
		return fmt.Errorf("delete rule %s: %w", id, err)
	}
	return nil
}

// oneRow turns "no row affected" into store.ErrNotFound.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("rows affected: %w", err)
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// GetRule reads by primary key.
func (s *Store) GetRule(ctx context.Context, tenant, id string) (store.Rule, error) {
	rules, err := s.rules(ctx, "WHERE tenant = ? AND id = ?", tenant, id)
	if err != nil {
		return store.Rule{}, fmt.Errorf("get rule %s: %w", id, err)
	}
	if len(rules) == 0 {
		return store.Rule{}, fmt.Errorf("get rule %s: %w", id, store.ErrNotFound)
	}
	return rules[0], nil
}

// ListRules reads the tenant's range of the primary key; a tenant has few
// rules, so sorting them by name needs no index.
func (s *Store) ListRules(ctx context.Context, tenant string) ([]store.Rule, error) {
	rules, err := s.rules(ctx, "WHERE tenant = ? ORDER BY name, id", tenant)
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	return rules, nil
}

// AllRules orders by tenant, then as ListRules, so the evaluator's view is stable.
func (s *Store) AllRules(ctx context.Context) ([]store.Rule, error) {
	rules, err := s.rules(ctx, "ORDER BY tenant, name, id")
	if err != nil {
		return nil, fmt.Errorf("all rules: %w", err)
	}
	return rules, nil
}

func (s *Store) rules(ctx context.Context, where string, args ...any) ([]store.Rule, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+ruleCols+" FROM alert_rules "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Rule{}
	for rows.Next() {
		var (
			r                store.Rule
			def              string
			created, updated sql.NullInt64
		)
		if err := rows.Scan(&r.Tenant, &r.ID, &r.Name, &r.Kind, &def, &created, &updated); err != nil {
			return nil, fmt.Errorf("scan rule: %w", err)
		}
		r.Definition = []byte(def)
		if created.Valid {
			r.CreatedAt = check.Time(created.Int64)
		}
		if updated.Valid {
			r.UpdatedAt = check.Time(updated.Int64)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
