package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/check"
	"github.com/lightwatch/lightwatch/internal/impl/store/internal/summary"
)

// serviceDoc is a service of the registry, _id docID(tenant, name). The
// heartbeat fields are absent until its first heartbeat.
type serviceDoc struct {
	Name            string `bson:"name"`
	LastSeenNs      int64  `bson:"last_seen_ns"`
	LastHeartbeatNs *int64 `bson:"last_heartbeat_ns,omitempty"`
	Status          string `bson:"status,omitempty"`
	IntervalSeconds int    `bson:"interval_seconds,omitempty"`
	Instance        string `bson:"instance,omitempty"`
}

// writeServices sends one ordered bulk write: per service an upsert that
// moves last_seen forward ($max), then, for a heartbeat, an update that
// matches only while the stored heartbeat is older (or absent), so a late
// heartbeat cannot overwrite a newer one. Log ingestion pays one upsert per
// distinct service of the call.
func (s *Store) writeServices(ctx context.Context, services []summary.Service) error {
	if len(services) == 0 {
		return nil
	}
	models := make([]driver.WriteModel, 0, len(services))
	for _, sv := range services {
		id := docID(sv.Tenant, sv.Name)
		models = append(models, driver.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: id}}).
			SetUpdate(bson.D{
				{Key: "$setOnInsert", Value: bson.D{{Key: "tenant", Value: sv.Tenant}, {Key: "name", Value: sv.Name}}},
				{Key: "$max", Value: bson.D{
					{Key: "last_seen_ns", Value: sv.LastSeen},
					{Key: "last_seen", Value: check.Time(sv.LastSeen)},
				}},
			}).
			SetUpsert(true))
		h := sv.Heartbeat
		if h == nil {
			continue
		}
		older := bson.D{{Key: "_id", Value: id}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "last_heartbeat_ns", Value: bson.D{{Key: "$exists", Value: false}}}},
			bson.D{{Key: "last_heartbeat_ns", Value: bson.D{{Key: "$lt", Value: h.TS}}}},
		}}}
		models = append(models, driver.NewUpdateOneModel().
			SetFilter(older).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{
				{Key: "last_heartbeat_ns", Value: h.TS},
				{Key: "last_heartbeat", Value: check.Time(h.TS)},
				{Key: "status", Value: string(h.Status)},
				{Key: "interval_seconds", Value: h.IntervalSeconds},
				{Key: "instance", Value: h.Instance},
			}}}))
	}
	if err := bulkWrite(ctx, s.summary.services, models, true); err != nil {
		return fmt.Errorf("update services: %w", err)
	}
	return nil
}

// ListServices sorts on the server, by the (tenant, name) index on MongoDB.
func (s *Store) ListServices(ctx context.Context, tenant string) ([]store.Service, error) {
	cur, err := s.summary.services.Find(ctx, bson.D{{Key: "tenant", Value: tenant}},
		options.Find().SetSort(bson.D{{Key: "name", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	var docs []serviceDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	out := make([]store.Service, len(docs))
	for i, d := range docs {
		out[i] = store.Service{
			Name: d.Name, LastSeen: check.Time(d.LastSeenNs),
			Status: event.HeartbeatStatus(d.Status), IntervalSeconds: d.IntervalSeconds, Instance: d.Instance,
		}
		if d.LastHeartbeatNs != nil {
			out[i].LastHeartbeat = check.Time(*d.LastHeartbeatNs)
		}
	}
	return out, nil
}
