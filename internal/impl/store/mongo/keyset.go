package mongo

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/lightwatch/lightwatch/internal/impl/store/internal/listing"
)

// keyset builds the Find of a time-ordered listing: documents of one tenant
// in the plan's range on tsField, after its cursor, sorted by (tsField, id).
// The range is one condition on tsField, which the indexes (tenant, …,
// tsField) serve; the cursor only adds a tiebreak among documents at its
// exact time.
type keyset struct {
	tsField string
	plan    listing.Plan
	fields  bson.D   // conditions on distinct fields
	and     []bson.D // conditions that may repeat a field
}

func (k *keyset) eq(field string, v any) { k.fields = append(k.fields, bson.E{Key: field, Value: v}) }

// in restricts field to vals; no values, no restriction.
func (k *keyset) in(field string, vals []string) {
	if len(vals) == 0 {
		return
	}
	a := make(bson.A, len(vals))
	for i, v := range vals {
		a[i] = v
	}
	k.eq(field, bson.D{{Key: "$in", Value: a}})
}

// contains matches field containing text, ignoring ASCII case only, like
// SQLite's LIKE. The "i" option would fold more: Go's regexp (FerretDB)
// matches "k" to the Kelvin sign, PCRE (MongoDB) has its own rules; a class
// per ASCII letter means the same on both.
func (k *keyset) contains(field, text string) {
	var b strings.Builder
	for _, r := range text {
		switch {
		case 'a' <= r && r <= 'z':
			b.WriteString("[" + string(r) + string(r-'a'+'A') + "]")
		case 'A' <= r && r <= 'Z':
			b.WriteString("[" + string(r-'A'+'a') + string(r) + "]")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	k.eq(field, bson.D{{Key: "$regex", Value: b.String()}})
}

func (k *keyset) filter() bson.D {
	f := bson.D{
		{Key: "tenant", Value: k.plan.Tenant},
		{Key: k.tsField, Value: bson.D{{Key: "$gte", Value: k.plan.Lo}, {Key: "$lte", Value: k.plan.Hi}}},
	}
	f = append(f, k.fields...)
	and := k.and
	if a := k.plan.After; a != nil {
		beyond := "$lt"
		if !k.plan.Desc {
			beyond = "$gt"
		}
		and = append(and[:len(and):len(and)], bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: k.tsField, Value: bson.D{{Key: beyond, Value: a.TS}}}},
			bson.D{{Key: "id", Value: bson.D{{Key: beyond, Value: a.ID}}}},
		}}})
	}
	if len(and) > 0 {
		a := make(bson.A, len(and))
		for i, c := range and {
			a[i] = c
		}
		f = append(f, bson.E{Key: "$and", Value: a})
	}
	return f
}

func (k *keyset) sort() bson.D {
	dir := 1
	if k.plan.Desc {
		dir = -1
	}
	return bson.D{{Key: k.tsField, Value: dir}, {Key: "id", Value: dir}}
}

// findKeyset returns up to k.plan.Fetch() documents of coll, in order, that
// match k and, when keep is not nil, keep: a condition the server cannot
// evaluate identically on MongoDB and FerretDB, applied here while the
// cursor is read, so that the page still fills up.
func findKeyset[D any](ctx context.Context, coll *driver.Collection, k *keyset, keep func(*D) bool) ([]D, error) {
	n := k.plan.Fetch()
	opts := options.Find().SetSort(k.sort())
	if keep == nil {
		opts.SetLimit(int64(n))
	} else {
		opts.SetBatchSize(int32(n))
	}
	cur, err := coll.Find(ctx, k.filter(), opts)
	if err != nil {
		return nil, fmt.Errorf("find in %s: %w", coll.Name(), err)
	}
	defer func() { _ = cur.Close(ctx) }()
	out := make([]D, 0, n)
	for len(out) < n && cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return nil, fmt.Errorf("decode from %s: %w", coll.Name(), err)
		}
		if keep == nil || keep(&d) {
			out = append(out, d)
		}
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("read from %s: %w", coll.Name(), err)
	}
	return out, nil
}
