package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// zstdEngine asks WiredTiger to compress the collection's blocks with zstd
// rather than its default snappy: log and event documents repeat field names
// and values, and zstd takes them to roughly half of snappy's size for a
// little more CPU on writes (see deploy/README.md).
var zstdEngine = bson.D{{Key: "wiredTiger", Value: bson.D{{Key: "configString", Value: "block_compressor=zstd"}}}}

// codeNamespaceExists is the server's answer to creating a collection that exists.
const codeNamespaceExists = 48

// createCollections creates every collection of the store before its indexes
// do it implicitly, so that on MongoDB they get zstd block compression. A
// collection that exists keeps the compressor it was created with (changing
// it needs a new collection, or an initial sync of a member started with
// --wiredTigerCollectionBlockCompressor=zstd). FerretDB accepts the option
// and ignores it; it is not sent there, so that what is sent says what is
// applied.
func (s *Store) createCollections(ctx context.Context) error {
	db := s.keys.Database()
	names := []string{keysCollection, outboxCollection, alertsCollection,
		rollupsCollection, namesCollection, servicesCollection, rulesCollection}
	names = append(names, collections[:]...)
	for _, name := range names {
		opts := options.CreateCollection()
		if !s.server.ferret {
			opts.SetStorageEngine(zstdEngine)
		}
		if err := db.CreateCollection(ctx, name, opts); err != nil && !hasCode(err, codeNamespaceExists) {
			return fmt.Errorf("create collection %s: %w", name, err)
		}
	}
	return nil
}
