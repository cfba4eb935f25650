package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

const alertsCollection = "alerts"

// alerts is the alerts collection, derived from keys' database (and its write
// concern) rather than kept in Store.
func (s *Store) alerts() *driver.Collection { return s.keys.Database().Collection(alertsCollection) }

// alertDoc is an alert; _id is docID(tenant, id), like events'. Times are
// int64 nanoseconds with 0 for unset, always present so that they sort like
// SQLite's NOT NULL DEFAULT 0 columns, plus datetimes for people, left out
// when unset.
type alertDoc struct {
	DocID       string     `bson:"_id"`
	Tenant      string     `bson:"tenant"`
	ID          string     `bson:"id"`
	RuleID      string     `bson:"rule_id"`
	RuleName    string     `bson:"rule_name"`
	Fingerprint string     `bson:"fingerprint"`
	Labels      []kv       `bson:"labels,omitempty"`
	Severity    string     `bson:"severity"`
	State       string     `bson:"state"`
	Started     time.Time  `bson:"started_at"`
	StartedNs   int64      `bson:"started_ns"`
	Fired       *time.Time `bson:"fired_at,omitempty"`
	FiredNs     int64      `bson:"fired_ns"`
	Resolved    *time.Time `bson:"resolved_at,omitempty"`
	ResolvedNs  int64      `bson:"resolved_ns"`
	Updated     *time.Time `bson:"updated_at,omitempty"`
	UpdatedNs   int64      `bson:"updated_ns"`
	Value       float64    `bson:"value"`
	Summary     string     `bson:"summary"`
	NotifyError string     `bson:"notify_error"`
}

// alertTime returns a checked time's nanoseconds and, when set, its datetime.
func alertTime(t time.Time) (*time.Time, int64) {
	n, _ := check.ZeroableNanos(t)
	if n == 0 {
		return nil, 0
	}
	u := t.UTC()
	return &u, n
}

func toAlertDoc(a *store.Alert) alertDoc {
	d := alertDoc{
		DocID: docID(a.Tenant, a.ID), Tenant: a.Tenant, ID: a.ID, RuleID: a.RuleID, RuleName: a.RuleName,
		Fingerprint: a.Fingerprint, Labels: pairs(a.Labels), Severity: a.Severity, State: a.State,
		Value: a.Value, Summary: a.Summary, NotifyError: a.NotifyError,
	}
	var started *time.Time
	started, d.StartedNs = alertTime(a.StartedAt)
	d.Started = *started // check.Alert requires StartedAt
	d.Fired, d.FiredNs = alertTime(a.FiredAt)
	d.Resolved, d.ResolvedNs = alertTime(a.ResolvedAt)
	d.Updated, d.UpdatedNs = alertTime(a.UpdatedAt)
	return d
}

func (d *alertDoc) alert() store.Alert {
	a := store.Alert{
		ID: d.ID, Tenant: d.Tenant, RuleID: d.RuleID, RuleName: d.RuleName, Fingerprint: d.Fingerprint,
		Severity: d.Severity, State: d.State, Value: d.Value, Summary: d.Summary, NotifyError: d.NotifyError,
		StartedAt: check.ZeroableTime(d.StartedNs), FiredAt: check.ZeroableTime(d.FiredNs),
		ResolvedAt: check.ZeroableTime(d.ResolvedNs), UpdatedAt: check.ZeroableTime(d.UpdatedNs),
	}
	if len(d.Labels) > 0 {
		a.Labels = make(map[string]string, len(d.Labels))
		for _, p := range d.Labels {
			s, _ := p.V.(string)
			a.Labels[p.K] = s
		}
	}
	return a
}

// PutAlert replaces the whole document (upserting), so that an update also
// drops what the new version leaves empty instead of merging.
func (s *Store) PutAlert(ctx context.Context, a store.Alert) error {
	if err := check.Alert(&a); err != nil {
		return fmt.Errorf("put alert: %w", err)
	}
	d := toAlertDoc(&a)
	_, err := s.alerts().ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.DocID}}, d, options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("put alert %s: %w", a.ID, err)
	}
	return nil
}

// GetAlert looks the alert up by _id, the one lookup FerretDB serves from an index.
func (s *Store) GetAlert(ctx context.Context, tenant, id string) (store.Alert, error) {
	var d alertDoc
	err := s.alerts().FindOne(ctx, bson.D{{Key: "_id", Value: docID(tenant, id)}}).Decode(&d)
	if errors.Is(err, driver.ErrNoDocuments) {
		return store.Alert{}, fmt.Errorf("get alert %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Alert{}, fmt.Errorf("get alert %s: %w", id, err)
	}
	return d.alert(), nil
}

// ListAlerts reads by (started_ns, id), which the alert indexes end in.
func (s *Store) ListAlerts(ctx context.Context, q store.AlertQuery) (store.AlertPage, error) {
	p, err := listing.New(q.Window)
	if err != nil {
		return store.AlertPage{}, fmt.Errorf("list alerts: %w", err)
	}
	if p.Empty {
		return store.AlertPage{Alerts: []store.Alert{}}, nil
	}
	k := &keyset{tsField: "started_ns", plan: p}
	if q.State != "" {
		k.eq("state", q.State)
	}
	if q.RuleID != "" {
		k.eq("rule_id", q.RuleID)
	}
	docs, err := findKeyset[alertDoc](ctx, s.alerts(), k, nil)
	if err != nil {
		return store.AlertPage{}, fmt.Errorf("list alerts: %w", err)
	}
	n, more := p.Cut(len(docs))
	page := store.AlertPage{Alerts: make([]store.Alert, n)}
	for i := range n {
		page.Alerts[i] = docs[i].alert()
	}
	if more {
		last := page.Alerts[n-1]
		page.Next = &store.Cursor{TS: last.StartedAt, ID: last.ID}
	}
	return page, nil
}
