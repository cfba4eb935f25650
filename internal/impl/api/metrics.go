package api

import (
	"context"
	"fmt"
	"time"

	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/duration"
	"github.com/lightwatch/lightwatch/internal/impl/store"
)

const maxPoints = 11000 // per series; a day at 10s is 8,640

// step checks a point width: 10s, 15s, 20s or 30s (raw samples) or whole
// minutes (rollups), up to a day.
func step(s *string) (time.Duration, error) {
	if s == nil {
		return time.Minute, nil
	}
	d, err := duration.Parse(*s)
	switch {
	case err != nil || d <= 0:
		return 0, badParam("step", "want a duration such as 10s, 1m or 1h")
	case d > 24*time.Hour:
		return 0, badParam("step", "at most 1d")
	case d < time.Minute && time.Minute%d == 0 && d >= 10*time.Second:
		return d, nil
	case d >= time.Minute && d%time.Minute == 0:
		return d, nil
	}
	return 0, badParam("step", "10s, 15s, 20s, 30s or whole minutes")
}

// QueryMetrics implements GET /api/metrics.
func (s *Server) QueryMetrics(ctx context.Context, r queryapi.QueryMetricsRequestObject) (queryapi.QueryMetricsResponseObject, error) {
	p := r.Params
	st, err := step(p.Step)
	if err != nil {
		return nil, err
	}
	from, to, err := timeRange(p.From, p.To, s.now(), time.Hour)
	if err != nil {
		return nil, err
	}
	if n := to.Sub(from) / st; n > maxPoints {
		return nil, badParam("step", fmt.Sprintf("the range holds %d steps; at most %d: widen the step or narrow the range", n, maxPoints))
	}
	labels, err := pairs("label", p.Label)
	if err != nil {
		return nil, err
	}
	series, err := s.store.QueryMetrics(ctx, store.MetricQuery{
		Tenant: caller(ctx).Tenant, Name: p.Name, Service: deref(p.Service), Labels: labels, From: from, To: to, Step: st,
	})
	if err != nil {
		return nil, s.storeError(ctx, "query metrics", err)
	}
	out := queryapi.QueryMetrics200JSONResponse{Name: p.Name, Step: duration.Format(st), From: from, To: to, Series: make([]queryapi.MetricSeries, 0, len(series))}
	for _, se := range series {
		ms := queryapi.MetricSeries{Service: se.Service, Labels: se.Labels, Points: make([]queryapi.MetricPoint, 0, len(se.Points))}
		if ms.Labels == nil {
			ms.Labels = map[string]string{}
		}
		for _, pt := range se.Points {
			ms.Points = append(ms.Points, queryapi.MetricPoint{
				Ts: pt.TS, Count: pt.Count, Sum: pt.Sum, Min: pt.Min, Max: pt.Max, Avg: pt.Sum / float64(max(pt.Count, 1)),
			})
		}
		out.Series = append(out.Series, ms)
	}
	return out, nil
}

// ListMetricNames implements GET /api/metrics/names.
func (s *Server) ListMetricNames(ctx context.Context, _ queryapi.ListMetricNamesRequestObject) (queryapi.ListMetricNamesResponseObject, error) {
	names, err := s.store.MetricNames(ctx, caller(ctx).Tenant)
	if err != nil {
		return nil, s.storeError(ctx, "metric names", err)
	}
	out := queryapi.ListMetricNames200JSONResponse{Items: make([]queryapi.MetricNameInfo, 0, len(names))}
	for _, n := range names {
		out.Items = append(out.Items, queryapi.MetricNameInfo{
			Name: n.Name, Type: queryapi.MetricNameInfoType(n.Type), LabelKeys: nonNil(n.LabelKeys), Services: nonNil(n.Services),
		})
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
