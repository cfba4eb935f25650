package sqlite

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// CountSecurity is CountLogs for security events.
func (s *Store) CountSecurity(ctx context.Context, q store.SecurityQuery, upTo int64) (int64, error) {
	q.Window = countWindow(q.Window)
	k, empty, err := securityKeyset(q)
	if err != nil {
		return 0, fmt.Errorf("count security events: %w", err)
	}
	if empty {
		return 0, nil
	}
	n, err := s.count(ctx, k, upTo)
	if err != nil {
		return 0, fmt.Errorf("count security events: %w", err)
	}
	return n, nil
}

// countWindow is the window of a count: the listing's bounds only.
func countWindow(w store.Window) store.Window {
	w.Limit, w.After, w.Ascending = 1, nil, false
	return w
}

func (s *Store) count(ctx context.Context, k *keyset, upTo int64) (int64, error) {
	if upTo < 1 {
		return 0, errors.New("count cap must be at least 1")
	}
	if k.plan.Empty {
		return 0, nil
	}
	text, args := k.countSQL(upTo)
	var n int64
	if err := s.r.QueryRowContext(ctx, text, args...).Scan(&n); err != nil {
		return 0, err
	}
	return n, nil
}

// countSQL counts the rows k selects, at most upTo: the parts joined by UNION
// ALL under one LIMIT, which SQLite stops at.
func (k *keyset) countSQL(upTo int64) (string, []any) {
	inner, args := k.rowsSQL("1")
	return "SELECT COUNT(*) FROM (" + inner + " LIMIT ?)", append(args, upTo)
}

// rowsSQL selects cols of every row k selects, in no order: the parts joined
// by UNION ALL.
func (k *keyset) rowsSQL(cols string) (string, []any) {
	var (
		b    strings.Builder
		args []any
	)
	parts := k.parts
	if len(parts) == 0 {
		parts = [][]keysetCond{nil}
	}
	for i, eqs := range parts {
		if i > 0 {
			b.WriteString(" UNION ALL ")
		}
		b.WriteString("SELECT " + cols + " FROM " + k.table + " WHERE tenant = ?")
		args = append(args, k.plan.Tenant)
		for _, c := range eqs {
			b.WriteString(" AND " + c.sql)
			args = append(args, c.args...)
		}
		b.WriteString(" AND " + k.tsCol + " BETWEEN ? AND ?")
		args = append(args, k.plan.Lo, k.plan.Hi)
		for _, c := range k.conds {
			b.WriteString(" AND (" + c.sql + ")")
			args = append(args, c.args...)
		}
	}
	return b.String(), args
}
