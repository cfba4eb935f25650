package api

import (
	"context"
	"net/http"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// keyTenant is the tenant a key operation acts on: the caller's, or the one
// named, which only admins of tenant default may do.
func keyTenant(ctx context.Context, named *string) (string, error) {
	me := caller(ctx)
	if named == nil || *named == me.Tenant {
		return me.Tenant, nil
	}
	if me.Tenant != apikey.DefaultTenant {
		return "", problem.New(http.StatusForbidden, "only admins of tenant default may manage another tenant's keys")
	}
	return *named, nil
}

func keyOut(k apikey.Key) queryapi.APIKey {
	out := queryapi.APIKey{Id: k.ID, Name: k.Name, Tenant: k.Tenant, CreatedAt: k.CreatedAt, Scopes: make([]queryapi.Scope, len(k.Scopes))}
	for i, s := range k.Scopes {
		out.Scopes[i] = queryapi.Scope(s)
	}
	if k.RevokedAt != nil {
		t := *k.RevokedAt
		out.RevokedAt = &t
	}
	return out
}

// ListKeys implements GET /api/keys.
func (s *Server) ListKeys(ctx context.Context, r queryapi.ListKeysRequestObject) (queryapi.ListKeysResponseObject, error) {
	tenant, err := keyTenant(ctx, r.Params.Tenant)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.ListKeys(ctx, tenant)
	if err != nil {
		return nil, s.storeError(ctx, "list keys", err)
	}
	out := queryapi.ListKeys200JSONResponse{Items: make([]queryapi.APIKey, 0, len(keys))}
	for _, k := range keys {
		out.Items = append(out.Items, keyOut(k))
	}
	return out, nil
}

// CreateKey implements POST /api/keys.
func (s *Server) CreateKey(ctx context.Context, r queryapi.CreateKeyRequestObject) (queryapi.CreateKeyResponseObject, error) {
	if r.Body == nil {
		return nil, problem.New(http.StatusBadRequest, "body required")
	}
	tenant, err := keyTenant(ctx, r.Body.Tenant)
	if err != nil {
		return nil, err
	}
	secret, err := apikey.NewSecret()
	if err != nil {
		return nil, err
	}
	id, err := apikey.NewID()
	if err != nil {
		return nil, err
	}
	hash := apikey.Hash(secret)
	k := apikey.Key{ID: id, Name: r.Body.Name, Tenant: tenant, Hash: hash, CreatedAt: s.now().UTC()}
	for _, sc := range r.Body.Scopes {
		k.Scopes = append(k.Scopes, apikey.Scope(sc))
	}
	if err := s.store.PutKey(ctx, k); err != nil {
		return nil, s.storeError(ctx, "create key", err)
	}
	o := keyOut(k)
	loc := "/api/keys/" + k.ID
	if tenant != caller(ctx).Tenant {
		loc += "?tenant=" + tenant
	}
	return queryapi.CreateKey201JSONResponse{
		Body:    queryapi.NewAPIKey{Id: o.Id, Name: o.Name, Tenant: o.Tenant, Scopes: o.Scopes, CreatedAt: o.CreatedAt, Key: secret},
		Headers: queryapi.CreateKey201ResponseHeaders{Location: &loc},
	}, nil
}

// GetKey implements GET /api/keys/{keyId}.
func (s *Server) GetKey(ctx context.Context, r queryapi.GetKeyRequestObject) (queryapi.GetKeyResponseObject, error) {
	tenant, err := keyTenant(ctx, r.Params.Tenant)
	if err != nil {
		return nil, err
	}
	keys, err := s.store.ListKeys(ctx, tenant)
	if err != nil {
		return nil, s.storeError(ctx, "list keys", err)
	}
	for _, k := range keys {
		// DELETE revokes: a revoked key is gone for GET (as a client of
		// DELETE expects) and kept in the listing for the record.
		if k.ID == r.KeyId && k.Active() {
			return queryapi.GetKey200JSONResponse(keyOut(k)), nil
		}
	}
	return nil, s.storeError(ctx, "get key", store.ErrNotFound)
}

// RevokeKey implements DELETE /api/keys/{keyId}.
func (s *Server) RevokeKey(ctx context.Context, r queryapi.RevokeKeyRequestObject) (queryapi.RevokeKeyResponseObject, error) {
	tenant, err := keyTenant(ctx, r.Params.Tenant)
	if err != nil {
		return nil, err
	}
	if err := s.store.RevokeKey(ctx, tenant, r.KeyId, s.now().UTC()); err != nil {
		return nil, s.storeError(ctx, "revoke key", err)
	}
	s.revoked()
	return queryapi.RevokeKey204Response{}, nil
}
