package api

import (
	"context"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// serviceState derives a service's state from its latest heartbeat: up (or
// degraded, as reported) within its interval, late within twice its
// interval, down after that or when it says so; unknown without heartbeats.
func serviceState(sv store.Service, now time.Time) queryapi.ServiceInfoState {
	if sv.LastHeartbeat.IsZero() {
		return queryapi.ServiceInfoStateUnknown
	}
	if sv.Status == event.StatusDown {
		return queryapi.ServiceInfoStateDown
	}
	interval := time.Duration(max(sv.IntervalSeconds, 1)) * time.Second
	switch age := now.Sub(sv.LastHeartbeat); {
	case age <= interval && sv.Status == event.StatusDegraded:
		return queryapi.ServiceInfoStateDegraded
	case age <= interval:
		return queryapi.ServiceInfoStateUp
	case age <= 2*interval:
		return queryapi.ServiceInfoStateLate
	}
	return queryapi.ServiceInfoStateDown
}

// ListServices implements GET /api/services.
func (s *Server) ListServices(ctx context.Context, _ queryapi.ListServicesRequestObject) (queryapi.ListServicesResponseObject, error) {
	svcs, err := s.store.ListServices(ctx, caller(ctx).Tenant)
	if err != nil {
		return nil, s.storeError(ctx, "list services", err)
	}
	now := s.now()
	out := queryapi.ListServices200JSONResponse{Items: make([]queryapi.ServiceInfo, 0, len(svcs))}
	for _, sv := range svcs {
		info := queryapi.ServiceInfo{Name: sv.Name, LastSeen: sv.LastSeen, State: serviceState(sv, now)}
		if !sv.LastHeartbeat.IsZero() {
			hb, status, interval, instance := sv.LastHeartbeat, queryapi.ServiceInfoStatus(sv.Status), sv.IntervalSeconds, sv.Instance
			info.LastHeartbeat, info.Status, info.IntervalSeconds, info.Instance = &hb, &status, &interval, &instance
		}
		out.Items = append(out.Items, info)
	}
	return out, nil
}
