package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// ruleDefinition has the spacing, key order and escapes a re-encoding would
// change: the store must give back these exact bytes.
const ruleDefinition = `{"name": "checkout errors",  "threshold":10.50, "labels":{"z":"1","a":"\u00e9é"},` + "\n\t" + `"notify":[]}`

func rule(tenant, id, name string) store.Rule {
	return store.Rule{
		ID: id, Tenant: tenant, Name: name, Kind: "log_count",
		Definition: []byte(ruleDefinition),
		CreatedAt:  base, UpdatedAt: base.Add(time.Second),
	}
}

func getRule(t *testing.T, s store.Store, tenant, id string) store.Rule {
	t.Helper()
	r, err := s.GetRule(context.Background(), tenant, id)
	if err != nil {
		t.Fatalf("GetRule(%s, %s): %v", tenant, id, err)
	}
	return r
}

func sameRule(t *testing.T, want, got store.Rule) {
	t.Helper()
	sameTime(t, want.ID+" created_at", want.CreatedAt, got.CreatedAt)
	sameTime(t, want.ID+" updated_at", want.UpdatedAt, got.UpdatedAt)
	if !bytes.Equal(got.Definition, want.Definition) {
		t.Errorf("rule %s definition = %q, want %q", want.ID, got.Definition, want.Definition)
	}
	if got.Tenant != want.Tenant || got.ID != want.ID || got.Name != want.Name || got.Kind != want.Kind {
		t.Errorf("rule = %s/%s %q %q, want %s/%s %q %q", got.Tenant, got.ID, got.Name, got.Kind, want.Tenant, want.ID, want.Name, want.Kind)
	}
}

func sameRules(t *testing.T, what string, want, got []store.Rule) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d rules, want %d", what, len(got), len(want))
	}
	for i := range want {
		sameRule(t, want[i], got[i])
	}
}

func testRules(t *testing.T, s store.Store) {
	ctx := context.Background()
	r1, r2, r0 := rule("acme", "r-1", "b rule"), rule("acme", "r-2", "a rule"), rule("acme", "r-0", "b rule")
	r0.UpdatedAt = time.Time{} // unset times read back unset
	for _, r := range []store.Rule{r1, r2, r0} {
		if err := s.CreateRule(ctx, r); err != nil {
			t.Fatalf("CreateRule(%s): %v", r.ID, err)
		}
	}
	dup := rule("acme", "r-1", "other name")
	if err := s.CreateRule(ctx, dup); !errors.Is(err, store.ErrConflict) {
		t.Errorf("CreateRule of a taken id: err = %v, want ErrConflict", err)
	}
	sameRule(t, r1, getRule(t, s, "acme", "r-1"))
	sameRule(t, r0, getRule(t, s, "acme", "r-0"))

	list, err := s.ListRules(ctx, "acme")
	if err != nil {
		t.Fatalf("ListRules: %v", err)
	}
	sameRules(t, "by name, then id", []store.Rule{r2, r0, r1}, list)

	// Replace keeps CreatedAt, whatever the replacement says.
	repl := r1
	repl.Name, repl.Kind, repl.Definition = "c rule", "metric_threshold", []byte(`{"v":2}`)
	repl.CreatedAt, repl.UpdatedAt = base.Add(time.Hour), base.Add(2*time.Hour)
	if err := s.ReplaceRule(ctx, repl); err != nil {
		t.Fatalf("ReplaceRule: %v", err)
	}
	repl.CreatedAt = r1.CreatedAt
	sameRule(t, repl, getRule(t, s, "acme", "r-1"))
	if err := s.ReplaceRule(ctx, rule("acme", "absent", "x")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReplaceRule absent: err = %v, want ErrNotFound", err)
	}

	// Another tenant may use the same id, and can reach none of acme's rules.
	b2 := rule("beta", "r-2", "beta rule")
	b2.Definition = []byte(`{"tenant":"beta"}`)
	if err := s.CreateRule(ctx, b2); err != nil {
		t.Fatalf("CreateRule same id other tenant: %v", err)
	}
	if _, err := s.GetRule(ctx, "beta", "r-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRule of another tenant's rule: err = %v, want ErrNotFound", err)
	}
	stolen := rule("beta", "r-1", "stolen")
	if err := s.ReplaceRule(ctx, stolen); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReplaceRule of another tenant's rule: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteRule(ctx, "beta", "r-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteRule of another tenant's rule: err = %v, want ErrNotFound", err)
	}
	sameRule(t, repl, getRule(t, s, "acme", "r-1"))
	sameRule(t, r2, getRule(t, s, "acme", "r-2"))

	all, err := s.AllRules(ctx)
	if err != nil {
		t.Fatalf("AllRules: %v", err)
	}
	sameRules(t, "all", []store.Rule{r2, r0, repl, b2}, all)

	if err := s.DeleteRule(ctx, "acme", "r-1"); err != nil {
		t.Fatalf("DeleteRule: %v", err)
	}
	if _, err := s.GetRule(ctx, "acme", "r-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("GetRule after delete: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteRule(ctx, "acme", "r-1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteRule twice: err = %v, want ErrNotFound", err)
	}
	if list, err := s.ListRules(ctx, "beta"); err != nil || len(list) != 1 {
		t.Errorf("ListRules(beta) = %d rules, %v; want 1", len(list), err)
	}
	if list, err := s.ListRules(ctx, "nobody"); err != nil || len(list) != 0 {
		t.Errorf("ListRules(nobody) = %d rules, %v; want none", len(list), err)
	}
}

func testRulesRejectInvalid(t *testing.T, s store.Store) {
	ctx := context.Background()
	bad := map[string]func(r *store.Rule){
		"no tenant":         func(r *store.Rule) { r.Tenant = "" },
		"no id":             func(r *store.Rule) { r.ID = "" },
		"no definition":     func(r *store.Rule) { r.Definition = nil },
		"invalid JSON":      func(r *store.Rule) { r.Definition = []byte(`{"a":`) },
		"invalid UTF-8":     func(r *store.Rule) { r.Definition = []byte("{\"a\":\"\xff\"}") },
		"time out of range": func(r *store.Rule) { r.CreatedAt = time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
	for name, mutate := range bad {
		r := rule("acme", "bad", "bad")
		mutate(&r)
		if err := s.CreateRule(ctx, r); err == nil {
			t.Errorf("CreateRule with %s: got no error", name)
		}
	}
	if all, err := s.AllRules(ctx); err != nil || len(all) != 0 {
		t.Errorf("AllRules after rejected creates = %d rules, %v; want none", len(all), err)
	}
	good := rule("acme", "good", "good")
	if err := s.CreateRule(ctx, good); err != nil {
		t.Fatalf("CreateRule: %v", err)
	}
	good.Definition = []byte("not json")
	if err := s.ReplaceRule(ctx, good); err == nil {
		t.Error("ReplaceRule with invalid JSON: got no error")
	}
}
