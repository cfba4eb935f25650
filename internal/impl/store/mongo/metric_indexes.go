package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
)

// createMetricIndexes creates the indexes of the metric rollups, metric names,
// services and alert rules collections. Writes need none (they address
// documents by _id); these serve the reads on MongoDB (FerretDB scans).
func (s *Store) createMetricIndexes(ctx context.Context) error {
	for _, x := range []struct {
		c    *driver.Collection
		keys bson.D
	}{
		// QueryMetrics: a metric's buckets over a time range.
		{s.summary.rollups, bson.D{{Key: "tenant", Value: 1}, {Key: "name", Value: 1}, {Key: "minute_ns", Value: 1}}},
		// MetricNames and ListServices: a tenant's documents by name.
		{s.summary.names, bson.D{{Key: "tenant", Value: 1}, {Key: "name", Value: 1}}},
		{s.summary.services, bson.D{{Key: "tenant", Value: 1}, {Key: "name", Value: 1}}},
		// ListRules: a tenant's rules by name, then id.
		{s.summary.rules, bson.D{{Key: "tenant", Value: 1}, {Key: "name", Value: 1}, {Key: "id", Value: 1}}},
	} {
		if _, err := x.c.Indexes().CreateOne(ctx, driver.IndexModel{Keys: x.keys}); err != nil {
			return fmt.Errorf("create indexes on %s: %w", x.c.Name(), err)
		}
	}
	return nil
}
