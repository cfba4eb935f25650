package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/filter"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// explain returns SQLite's query plan for k, one line per step.
func explain(t *testing.T, s *Store, k *keyset) string {
	t.Helper()
	q, args := k.sql()
	rows, err := s.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", q, err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// sortsRange reports whether a plan scans a table, or sorts rows straight out
// of one. Sorting what a split's part returned (SCAN (subquery-N), at most
// a page and one) is cheap, and SQLite then merges the parts in order.
func sortsRange(plan string) bool {
	lines := strings.Split(plan, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "SCAN ") && !strings.HasPrefix(l, "SCAN (subquery-") && !strings.Contains(l, "VIRTUAL TABLE") {
			return true
		}
		if l == "USE TEMP B-TREE FOR ORDER BY" && (i == 0 || !strings.HasPrefix(lines[i-1], "SCAN (subquery-")) {
			return true
		}
	}
	return false
}

// TestQueryPlans pins the index each listing shape walks, and that none of
// them sorts its whole range: "USE TEMP B-TREE FOR ORDER BY" would read every
// row of the window before returning the first; "FOR RIGHT PART OF ORDER BY"
// only orders rows of equal ts by id, as the index delivers them.
func TestQueryPlans(t *testing.T) {
	s := openAt(t, filepath.Join(t.TempDir(), "plan.db"))
	now := time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC)
	w := store.Window{Tenant: "acme", From: now.Add(-6 * time.Hour), To: now, Limit: 100}
	after := w
	after.After = &store.Cursor{TS: now.Add(-time.Hour), ID: "01J"}
	mustSecurity := func(q store.SecurityQuery) *keyset {
		k, _, err := securityKeyset(q)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	mustAlerts := func(q store.AlertQuery) *keyset {
		k, err := alertsKeyset(q)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	for _, c := range []struct {
		name  string
		k     *keyset
		index string
	}{
		{"security min severity", mustSecurity(store.SecurityQuery{Window: w, Filter: filter.Filter{MinSeverity: "high"}}), "security_events_tenant_severity_ts"},
		{"security categories", mustSecurity(store.SecurityQuery{Window: after, Filter: filter.Filter{Categories: []string{"authentication", "network"}}}),
			"security_events_tenant_category_ts"},
		{"security unfiltered", mustSecurity(store.SecurityQuery{Window: w}), "security_events_tenant_ts"},
		{"alerts", mustAlerts(store.AlertQuery{Window: w}), "alerts_tenant_started"},
		{"alerts of a state", mustAlerts(store.AlertQuery{Window: after, State: "firing"}), "alerts_tenant_state_started"},
		{"alerts of a rule", mustAlerts(store.AlertQuery{Window: w, RuleID: "r1"}), "alerts_tenant_rule_started"},
	} {
		plan := explain(t, s, c.k)
		t.Logf("%s:\n%s", c.name, plan)
		if !strings.Contains(plan, "USING INDEX "+c.index+" ") {
			t.Errorf("%s: plan does not use %s:\n%s", c.name, c.index, plan)
		}
		// Alert indexes end in the primary key (tenant, id) of the WITHOUT
		// ROWID table, so they deliver the whole order.
		if c.k.table == "alerts" && strings.Contains(plan, "TEMP B-TREE") {
			t.Errorf("%s: plan sorts:\n%s", c.name, plan)
		}
		if sortsRange(plan) {
			t.Errorf("%s: plan sorts or scans the whole range:\n%s", c.name, plan)
		}
	}
}
