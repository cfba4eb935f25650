package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
)

// serverInfo is what Open learns of the server, to use what it implements.
type serverInfo struct {
	// ferret is true on FerretDB, which answers buildInfo with a
	// ferretdbVersion field: no TTL indexes, no isolation of concurrent
	// updates of one document, wrong results from $group with several
	// accumulators.
	ferret bool
}

func detectServer(ctx context.Context, db *driver.Database) (serverInfo, error) {
	var info struct {
		FerretDBVersion string `bson:"ferretdbVersion"`
	}
	if err := db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return serverInfo{}, fmt.Errorf("buildInfo: %w", err)
	}
	return serverInfo{ferret: info.FerretDBVersion != ""}, nil
}
