package mongo

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// readIndexes are those of the SQLite alerts table, where the primary key
// (tenant, id) ends every index implicitly; here id is spelled out, so the
// listing order (started_ns, id) needs no sort on MongoDB. keys gets one for
// ListKeys, in its order.
var readIndexes = []struct {
	collection string
	keys       []bson.D
}{
	{alertsCollection, []bson.D{
		{{Key: "tenant", Value: 1}, {Key: "started_ns", Value: 1}, {Key: "id", Value: 1}},
		{{Key: "tenant", Value: 1}, {Key: "rule_id", Value: 1}, {Key: "started_ns", Value: 1}, {Key: "id", Value: 1}},
		{{Key: "tenant", Value: 1}, {Key: "state", Value: 1}, {Key: "started_ns", Value: 1}, {Key: "id", Value: 1}},
	}},
	{keysCollection, []bson.D{
		{{Key: "tenant", Value: 1}, {Key: "created_ns", Value: 1}, {Key: "_id", Value: 1}},
	}},
}

// createReadIndexes creates the indexes of alerts and of key listings.
func (s *Store) createReadIndexes(ctx context.Context) error {
	db := s.keys.Database()
	for _, ix := range readIndexes {
		if err := ensureIndexes(ctx, db.Collection(ix.collection), ix.keys); err != nil {
			return err
		}
	}
	return nil
}
