package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
)

// keyDoc is an API key; _id is the key's ID, and hash has a unique index.
type keyDoc struct {
	ID        string     `bson:"_id"`
	Name      string     `bson:"name"`
	Tenant    string     `bson:"tenant"`
	Scopes    []string   `bson:"scopes"`
	Hash      string     `bson:"hash"`
	Created   *time.Time `bson:"created_at,omitempty"`
	CreatedNs *int64     `bson:"created_ns,omitempty"`
	Revoked   *time.Time `bson:"revoked_at,omitempty"`
	RevokedNs *int64     `bson:"revoked_ns,omitempty"`
}

// PutKey inserts k; if that hits a duplicate key it is a no-op when the ID is
// the one taken, and an error when it is the hash (two keys with one secret).
// Plain insert-then-look is used because it behaves the same on FerretDB.
func (s *Store) PutKey(ctx context.Context, k apikey.Key) error {
	if err := check.Key(&k); err != nil {
		return fmt.Errorf("put key: %w", err)
	}
	d := keyDoc{ID: k.ID, Name: k.Name, Tenant: k.Tenant, Hash: k.Hash, Scopes: make([]string, len(k.Scopes))}
	for i, sc := range k.Scopes {
		d.Scopes[i] = string(sc)
	}
	if n, ok, _ := check.OptionalNanos(k.CreatedAt); ok {
		t := k.CreatedAt.UTC()
		d.Created, d.CreatedNs = &t, &n
	}
	if k.RevokedAt != nil {
		t := k.RevokedAt.UTC()
		n, _ := check.Nanos(t)
		d.Revoked, d.RevokedNs = &t, &n
	}
	_, err := s.keys.InsertOne(ctx, d)
	if err == nil {
		return nil
	}
	if !driver.IsDuplicateKeyError(err) {
		return fmt.Errorf("put key %s: %w", k.ID, err)
	}
	n, cerr := s.keys.CountDocuments(ctx, bson.D{{Key: "_id", Value: k.ID}})
	if cerr != nil {
		return fmt.Errorf("put key %s: after %w: %w", k.ID, err, cerr)
	}
	if n == 0 {
		return fmt.Errorf("put key %s: another key has its hash: %w", k.ID, err)
	}
	return nil
}

// KeyByHash uses the unique index on hash.
func (s *Store) KeyByHash(ctx context.Context, hash string) (apikey.Key, error) {
	var d keyDoc
	err := s.keys.FindOne(ctx, bson.D{{Key: "hash", Value: hash}}).Decode(&d)
	if errors.Is(err, driver.ErrNoDocuments) {
		return apikey.Key{}, fmt.Errorf("key by hash: %w", store.ErrNotFound)
	}
	if err != nil {
		return apikey.Key{}, fmt.Errorf("key by hash: %w", err)
	}
	return d.key(), nil
}

// ListKeys sorts by created_ns, then _id (the key ID). Keys without a
// creation time have no created_ns, which sorts first, like SQLite's NULL.
func (s *Store) ListKeys(ctx context.Context, tenant string) ([]apikey.Key, error) {
	cur, err := s.keys.Find(ctx, bson.D{{Key: "tenant", Value: tenant}},
		options.Find().SetSort(bson.D{{Key: "created_ns", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("list keys of %s: %w", tenant, err)
	}
	var docs []keyDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("list keys of %s: %w", tenant, err)
	}
	keys := make([]apikey.Key, len(docs))
	for i := range docs {
		keys[i] = docs[i].key()
	}
	return keys, nil
}

// RevokeKey sets the revocation only where none is, so the first time stays.
// The filter names the tenant, so that a tenant can neither revoke nor learn
// of another tenant's key. When nothing matched, a second look tells an
// already revoked key (nil) from an unknown one (ErrNotFound).
func (s *Store) RevokeKey(ctx context.Context, tenant, id string, at time.Time) error {
	n, err := check.Nanos(at) // the zero time is out of range too
	if err != nil {
		return fmt.Errorf("revoke key %s: revoked_at: %w", id, err)
	}
	owned := bson.D{{Key: "_id", Value: id}, {Key: "tenant", Value: tenant}}
	filter := append(owned[:len(owned):len(owned)], bson.E{Key: "revoked_ns", Value: bson.D{{Key: "$exists", Value: false}}})
	res, err := s.keys.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{
		{Key: "revoked_at", Value: at.UTC()}, {Key: "revoked_ns", Value: n},
	}}})
	if err != nil {
		return fmt.Errorf("revoke key %s: %w", id, err)
	}
	if res.MatchedCount > 0 {
		return nil
	}
	exists, err := s.keys.CountDocuments(ctx, owned)
	if err != nil {
		return fmt.Errorf("revoke key %s: %w", id, err)
	}
	if exists == 0 {
		return fmt.Errorf("revoke key %s: %w", id, store.ErrNotFound)
	}
	return nil
}

func (d *keyDoc) key() apikey.Key {
	k := apikey.Key{ID: d.ID, Name: d.Name, Tenant: d.Tenant, Hash: d.Hash}
	for _, sc := range d.Scopes {
		k.Scopes = append(k.Scopes, apikey.Scope(sc))
	}
	if d.CreatedNs != nil {
		k.CreatedAt = check.Time(*d.CreatedNs)
	}
	if d.RevokedNs != nil {
		t := check.Time(*d.RevokedNs)
		k.RevokedAt = &t
	}
	return k
}
