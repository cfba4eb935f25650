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
)

// ruleDoc is an alert rule, _id docID(tenant, id). The definition is a
// string, not a sub-document: the store keeps it opaque and byte-exact, while
// parsed into BSON it would lose its spacing and number spellings (10.50
// becomes 10.5), and FerretDB would reject its dotted keys.
type ruleDoc struct {
	DocID      string     `bson:"_id"`
	Tenant     string     `bson:"tenant"`
	ID         string     `bson:"id"`
	Name       string     `bson:"name"`
	Kind       string     `bson:"kind"`
	Definition string     `bson:"definition"`
	Created    *time.Time `bson:"created_at,omitempty"`
	CreatedNs  *int64     `bson:"created_ns,omitempty"`
	Updated    *time.Time `bson:"updated_at,omitempty"`
	UpdatedNs  *int64     `bson:"updated_ns,omitempty"`
}

// optionalTime is a stored time pair (date for people, nanoseconds for
// truth), nil for the zero time. t passed check.OptionalNanos.
func optionalTime(t time.Time) (*time.Time, *int64) {
	n, ok, _ := check.OptionalNanos(t)
	if !ok {
		return nil, nil
	}
	u := t.UTC()
	return &u, &n
}

func (d *ruleDoc) rule() store.Rule {
	r := store.Rule{ID: d.ID, Tenant: d.Tenant, Name: d.Name, Kind: d.Kind, Definition: []byte(d.Definition)}
	if d.CreatedNs != nil {
		r.CreatedAt = check.Time(*d.CreatedNs)
	}
	if d.UpdatedNs != nil {
		r.UpdatedAt = check.Time(*d.UpdatedNs)
	}
	return r
}

// CreateRule lets the _id enforce one rule per (tenant, id).
func (s *Store) CreateRule(ctx context.Context, r store.Rule) error {
	if err := check.Rule(&r); err != nil {
		return fmt.Errorf("create rule: %w", err)
	}
	d := ruleDoc{DocID: docID(r.Tenant, r.ID), Tenant: r.Tenant, ID: r.ID, Name: r.Name, Kind: r.Kind, Definition: string(r.Definition)}
	d.Created, d.CreatedNs = optionalTime(r.CreatedAt)
	d.Updated, d.UpdatedNs = optionalTime(r.UpdatedAt)
	if _, err := s.summary.rules.InsertOne(ctx, d); err != nil {
		if driver.IsDuplicateKeyError(err) {
			return fmt.Errorf("create rule %s: %w", r.ID, store.ErrConflict)
		}
		return fmt.Errorf("create rule %s: %w", r.ID, err)
	}
	return nil
}

// ReplaceRule sets the replaceable fields only, so created_at stays.
func (s *Store) ReplaceRule(ctx context.Context, r store.Rule) error {
	if err := check.Rule(&r); err != nil {
		return fmt.Errorf("replace rule: %w", err)
	}
	set := bson.D{{Key: "name", Value: r.Name}, {Key: "kind", Value: r.Kind}, {Key: "definition", Value: string(r.Definition)}}
	update := bson.D{}
	if t, n := optionalTime(r.UpdatedAt); t != nil {
		set = append(set, bson.E{Key: "updated_at", Value: *t}, bson.E{Key: "updated_ns", Value: *n})
	} else {
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "updated_at", Value: ""}, {Key: "updated_ns", Value: ""}}})
	}
	update = append(update, bson.E{Key: "$set", Value: set})
	res, err := s.summary.rules.UpdateOne(ctx, bson.D{{Key: "_id", Value: docID(r.Tenant, r.ID)}}, update)
	if err != nil {
		return fmt.Errorf("replace rule %s: %w", r.ID, err)
	}
	if res.MatchedCount == 0 {
		return fmt.Errorf("replace rule %s: %w", r.ID, store.ErrNotFound)
	}
	return nil
}

// DeleteRule deletes by _id.
func (s *Store) DeleteRule(ctx context.Context, tenant, id string) error {
	res, err := s.summary.rules.DeleteOne(ctx, bson.D{{Key: "_id", Value: docID(tenant, id)}})
	if err != nil {
		return fmt.Errorf("delete rule %s: %w", id, err)
	}
	if res.DeletedCount == 0 {
		return fmt.Errorf("delete rule %s: %w", id, store.ErrNotFound)
	}
	return nil
}

// GetRule finds by _id.
func (s *Store) GetRule(ctx context.Context, tenant, id string) (store.Rule, error) {
	var d ruleDoc
	err := s.summary.rules.FindOne(ctx, bson.D{{Key: "_id", Value: docID(tenant, id)}}).Decode(&d)
	if errors.Is(err, driver.ErrNoDocuments) {
		return store.Rule{}, fmt.Errorf("get rule %s: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return store.Rule{}, fmt.Errorf("get rule %s: %w", id, err)
	}
	return d.rule(), nil
}

// ListRules sorts by name, then id, on the server.
func (s *Store) ListRules(ctx context.Context, tenant string) ([]store.Rule, error) {
	rules, err := s.findRules(ctx, bson.D{{Key: "tenant", Value: tenant}},
		bson.D{{Key: "name", Value: 1}, {Key: "id", Value: 1}})
	if err != nil {
		return nil, fmt.Errorf("list rules: %w", err)
	}
	return rules, nil
}

// AllRules orders by tenant, then as ListRules, so the evaluator's view is stable.
func (s *Store) AllRules(ctx context.Context) ([]store.Rule, error) {
	rules, err := s.findRules(ctx, bson.D{},
		bson.D{{Key: "tenant", Value: 1}, {Key: "name", Value: 1}, {Key: "id", Value: 1}})
	if err != nil {
		return nil, fmt.Errorf("all rules: %w", err)
	}
	return rules, nil
}

func (s *Store) findRules(ctx context.Context, filter, sort bson.D) ([]store.Rule, error) {
	cur, err := s.summary.rules.Find(ctx, filter, options.Find().SetSort(sort))
	if err != nil {
		return nil, err
	}
	out := []store.Rule{}
	err = eachDoc(ctx, cur, func(d *ruleDoc) error {
		out = append(out, d.rule())
		return nil
	})
	return out, err
}
