package mongo

import (
	"context"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// rollupID is the _id of a series-minute bucket. Every part but the last is
// escaped, so no part can contain the separator and the _id is injective.
// Upserts filter on the exact _id, the one lookup FerretDB serves by index.
func rollupID(tenant, name string, minute int64, series string) string {
	return docID(tenant, tenantEscaper.Replace(name)+"/"+strconv.FormatInt(minute, 10)+"/"+series)
}

// rollupPoint is the part of a rollup document that queries read.
type rollupPoint struct {
	Series   string  `bson:"series"`
	MinuteNs int64   `bson:"minute_ns"`
	Count    int64   `bson:"count"`
	Sum      float64 `bson:"sum"`
	Min      float64 `bson:"min"`
	Max      float64 `bson:"max"`
}

// writeRollups adds each bucket with $inc/$min/$max, which create the fields
// on insert too, and sets the descriptive fields only on insert. Unordered:
// the buckets are independent.
func (s *Store) writeRollups(ctx context.Context, rollups []summary.Rollup) error {
	if len(rollups) == 0 {
		return nil
	}
	models := make([]driver.WriteModel, len(rollups))
	for i, r := range rollups {
		describe := bson.D{
			{Key: "tenant", Value: r.Tenant},
			{Key: "name", Value: r.Name},
			{Key: "minute", Value: check.Time(r.Minute)},
			{Key: "minute_ns", Value: r.Minute},
			{Key: "series", Value: r.Series},
			{Key: "service", Value: r.Service},
		}
		if len(r.Labels) > 0 {
			describe = append(describe, bson.E{Key: "labels", Value: pairs(r.Labels)})
		}
		models[i] = driver.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: rollupID(r.Tenant, r.Name, r.Minute, r.Series)}}).
			SetUpdate(bson.D{
				{Key: "$setOnInsert", Value: describe},
				{Key: "$inc", Value: bson.D{{Key: "count", Value: r.Count}, {Key: "sum", Value: r.Sum}}},
				{Key: "$min", Value: bson.D{{Key: "min", Value: r.Min}}},
				{Key: "$max", Value: bson.D{{Key: "max", Value: r.Max}}},
			}).
			SetUpsert(true)
	}
	if err := bulkWrite(ctx, s.summary.rollups, models, false); err != nil {
		return fmt.Errorf("update rollups: %w", err)
	}
	return nil
}

// nameDoc describes a metric name; label_keys and services are sets
// ($addToSet), sorted on read.
type nameDoc struct {
	Name      string   `bson:"name"`
	Type      string   `bson:"type"`
	LabelKeys []string `bson:"label_keys"`
	Services  []string `bson:"services"`
}

// writeNames merges label keys and services with $addToSet, then takes the
// batch's type only if its sample is strictly later than the stored one's (a
// second, conditional update: FerretDB has no pipeline updates). Ordered, so
// the conditional update finds the document the upsert made.
func (s *Store) writeNames(ctx context.Context, names []summary.Name) error {
	if len(names) == 0 {
		return nil
	}
	models := make([]driver.WriteModel, 0, 2*len(names))
	for _, n := range names {
		id := docID(n.Tenant, n.Name)
		models = append(models,
			driver.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: id}}).
				SetUpdate(bson.D{
					{Key: "$setOnInsert", Value: bson.D{
						{Key: "tenant", Value: n.Tenant}, {Key: "name", Value: n.Name},
						{Key: "type", Value: string(n.Type)}, {Key: "type_ts", Value: n.TypeTS},
					}},
					{Key: "$addToSet", Value: bson.D{
						{Key: "label_keys", Value: bson.D{{Key: "$each", Value: nonNil(n.LabelKeys)}}},
						{Key: "services", Value: bson.D{{Key: "$each", Value: nonNil(n.Services)}}},
					}},
				}).
				SetUpsert(true),
			driver.NewUpdateOneModel().
				SetFilter(bson.D{{Key: "_id", Value: id}, {Key: "type_ts", Value: bson.D{{Key: "$lt", Value: n.TypeTS}}}}).
				SetUpdate(bson.D{{Key: "$set", Value: bson.D{
					{Key: "type", Value: string(n.Type)}, {Key: "type_ts", Value: n.TypeTS},
				}}}),
		)
	}
	if err := bulkWrite(ctx, s.summary.names, models, true); err != nil {
		return fmt.Errorf("update metric names: %w", err)
	}
	return nil
}

// nonNil makes an empty list encode as [] rather than null, which $each refuses.
func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
