package api

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// A cursor is the keyset position of the last item of a page plus the time
// range the first page resolved (so that "the last hour" does not slide while
// a client pages through it), bound to the tenant and the filters it was made
// for by a digest: used with other filters, or by another tenant, it is
// rejected rather than silently paging through something else. Positions are
// not secret (they only say "after this time and id" within the caller's own
// data), so no signature is needed; but a client can forge one, so its range
// is checked again on every page exactly as a first page's range is: a forged
// cursor cannot widen a listing past the 31-day limit.
type cursorBody struct {
	TS     int64  `json:"t"`
	ID     string `json:"i"`
	From   int64  `json:"f"`
	To     int64  `json:"u"`
	Digest string `json:"d"`
}

// listing is one paged listing request: what it lists, with which filters.
type listing struct {
	name     string
	filters  any // plain data: the filters as given, so that equal requests sign equally
	from, to *time.Time
	limit    *int
	asc      bool
	cursor   *string
	span     time.Duration // default range before `to`
}

// window resolves a listing's time range, limit and cursor into a store.Window
// and the digest its next cursor must carry.
func (s *Server) window(ctx context.Context, l listing) (store.Window, string, error) {
	tenant := caller(ctx).Tenant
	b, _ := json.Marshal(struct {
		F        any
		From, To *time.Time
		Asc      bool
	}{l.filters, l.from, l.to, l.asc}) // plain data: cannot fail
	sum := sha256.Sum256(append([]byte(tenant+"\x00"+l.name+"\x00"), b...))
	digest := base64.RawURLEncoding.EncodeToString(sum[:12])

	w := store.Window{Tenant: tenant, Limit: limitOf(l.limit), Ascending: l.asc}
	if l.cursor != nil {
		c, err := decodeCursor(*l.cursor, digest)
		if err != nil {
			return w, "", err
		}
		w.From, w.To = time.Unix(0, c.From).UTC(), time.Unix(0, c.To).UTC()
		w.After = &store.Cursor{TS: time.Unix(0, c.TS).UTC(), ID: c.ID}
		return w, digest, nil
	}
	var err error
	w.From, w.To, err = timeRange(l.from, l.to, s.now(), l.span)
	return w, digest, err
}

// nextCursor encodes the position after a page, or nil on the last page.
func nextCursor(next *store.Cursor, w store.Window, digest string) *string {
	if next == nil {
		return nil
	}
	b, _ := json.Marshal(cursorBody{TS: next.TS.UnixNano(), ID: next.ID, From: w.From.UnixNano(), To: w.To.UnixNano(), Digest: digest})
	s := base64.RawURLEncoding.EncodeToString(b)
	return &s
}

func decodeCursor(s, digest string) (cursorBody, error) {
	bad := badParam("cursor", "not a cursor of this listing with these filters; start again without it")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursorBody{}, bad
	}
	var c cursorBody
	if err := json.Unmarshal(raw, &c); err != nil || c.ID == "" || c.Digest != digest || c.From >= c.To {
		return cursorBody{}, bad
	}
	if time.Duration(c.To-c.From) > maxRange || c.To-c.From < 0 {
		return cursorBody{}, badParam("cursor", "its range spans more than 31 days; start again without it")
	}
	return c, nil
}
