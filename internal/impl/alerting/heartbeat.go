package alerting

import (
	"context"
	"fmt"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// heartbeat holds for each service (filter.service only, when set) that sent
// heartbeats and whose latest one is older than its interval plus the rule's
// grace, or said it is down. A service that never sent a heartbeat is not
// watched: nothing says how often it should.
func (c *conditions) heartbeat(ctx context.Context, r *Rule, now time.Time) ([]observation, error) {
	services, err := c.store.ListServices(ctx, r.Tenant)
	if err != nil {
		return nil, fmt.Errorf("list services: %w", err)
	}
	var out []observation
	for _, sv := range services {
		if (r.service() != "" && sv.Name != r.service()) || sv.LastHeartbeat.IsZero() {
			continue
		}
		interval := time.Duration(max(sv.IntervalSeconds, 1)) * time.Second
		age := now.Sub(sv.LastHeartbeat)
		var summary string
		switch {
		case sv.Status == event.StatusDown:
			summary = fmt.Sprintf("%s reported itself down (instance %s)", sv.Name, sv.Instance)
		case age > interval+r.Grace:
			summary = fmt.Sprintf("no heartbeat from %s for %s (interval %s, grace %s)",
				sv.Name, age.Truncate(time.Second), fmtDuration(interval), fmtDuration(r.Grace))
		default:
			continue
		}
		out = append(out, observation{
			labels:  alertLabels(r, sv.Name, nil),
			value:   max(age.Seconds(), 0),
			summary: summary,
		})
	}
	return out, nil
}
