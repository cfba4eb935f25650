package alerting

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// Group is the consumer group the engines share on the event streams: each
// entry is handled by one instance.
const Group = "lightwatch-alerting"

// eventStreams are the streams whose events can make a rule hold. Heartbeats
// are not read: heartbeat rules hold when heartbeats stop, which the ticker sees.
var eventStreams = []string{stream.Logs, stream.Security, stream.Metrics}

// streamKinds are the rule kinds each stream's events can nudge.
var streamKinds = map[string]Kind{stream.Logs: KindLogCount, stream.Security: KindSecurity, stream.Metrics: KindMetricThreshold}

const (
	readCount  = 1000
	readBlock  = time.Second // also how long a stop may wait for the read to return
	retryPause = time.Second
)

// consumeLoop reads new entries of the event streams as a member of Group.
func (e *Engine) consumeLoop(ctx context.Context) {
	for ctx.Err() == nil {
		if err := e.createGroups(ctx); err != nil {
			e.redisFailed(ctx, "consume", "create consumer group", err)
			pause(ctx, retryPause)
			continue
		}
		e.consumeOn(ctx)
	}
}

// consumeOn reads with a reader of its own (on Redis a connection, which a
// stop wakes at once) until ctx is done or a read fails.
func (e *Engine) consumeOn(ctx context.Context) {
	rd := e.log.Reader(ctx)
	defer rd.Close()
	for ctx.Err() == nil {
		res, err := rd.ReadGroup(ctx, Group, e.opts.InstanceID, eventStreams, readCount, readBlock, e.opts.SoleConsumer)
		if err != nil {
			// Among others NOGROUP, when a stream or the group was deleted
			// under us (FLUSHALL): the caller creates them again.
			e.redisFailed(ctx, "consume", "read event streams", err)
			pause(ctx, retryPause)
			return
		}
		for _, b := range res {
			e.handle(ctx, b.Stream, b.Messages)
		}
	}
}

// createGroups creates Group on each stream, reading from new entries on:
// alerting judges the store, so older entries have nothing to add.
func (e *Engine) createGroups(ctx context.Context) error {
	for _, s := range eventStreams {
		if err := e.log.CreateGroup(ctx, s, Group); err != nil {
			return err
		}
	}
	return nil
}

// claimLoop takes over entries that another consumer read but did not
// acknowledge within ClaimIdle (it died, or its nudges could not be sent).
func (e *Engine) claimLoop(ctx context.Context) {
	t := time.NewTicker(max(e.opts.ClaimIdle/2, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, s := range eventStreams {
			start := streams.ID{}
			for ctx.Err() == nil {
				msgs, next, err := e.log.AutoClaim(ctx, s, Group, e.opts.InstanceID, e.opts.ClaimIdle, start, readCount)
				if err != nil {
					if !errors.Is(err, streams.ErrNoGroup) {
						e.redisFailed(ctx, "claim", "claim idle entries", err)
					}
					break
				}
				e.handle(ctx, s, msgs)
				if next.IsZero() {
					break
				}
				start = next
			}
		}
	}
}

// handle matches entries against the rule set, nudges the rules they match
// and acknowledges them. Entries are left unacknowledged when the nudges
// cannot be sent, so that a claim retries them.
func (e *Engine) handle(ctx context.Context, streamName string, msgs []streams.Message) {
	if len(msgs) == 0 {
		return
	}
	rs := e.rules.current()
	kind := streamKinds[streamName]
	nudged := map[RuleKey]bool{}
	var matched []*Rule
	ids := make([]streams.ID, 0, len(msgs))
	for _, m := range msgs {
		ids = append(ids, m.ID)
		tenant := m.Tenant
		if len(rs.byTenantKind[tenantKind{tenant, kind}]) == 0 {
			continue // no rule of the tenant can care: skip decoding
		}
		var ev event.Event
		if err := json.Unmarshal(m.Event, &ev); err != nil {
			continue
		}
		ev.Tenant = tenant
		matched = rs.matching(&ev, matched[:0])
		for _, r := range matched {
			nudged[r.Key()] = true
		}
	}
	e.metrics.entries.Add(float64(len(msgs)))
	keys := make([]RuleKey, 0, len(nudged))
	for k := range nudged {
		keys = append(keys, k)
	}
	if err := e.nudge(ctx, keys); err != nil {
		e.redisFailed(ctx, "nudge", "publish nudges", err)
		return
	}
	if e.opts.SoleConsumer {
		return // read with NOACK: nothing is pending
	}
	if err := e.log.Ack(ctx, streamName, Group, ids...); err != nil {
		e.redisFailed(ctx, "ack", "acknowledge entries", err)
	}
}

// leaveGroup removes this consumer from the group at shutdown when it has no
// unacknowledged entries left (else they would be lost, not claimed).
func (e *Engine) leaveGroup(ctx context.Context) {
	for _, s := range eventStreams {
		pending, err := e.log.Pending(ctx, s, Group, e.opts.InstanceID)
		if err != nil || pending > 0 {
			continue
		}
		_ = e.log.DelConsumer(ctx, s, Group, e.opts.InstanceID)
	}
}

// redisFailed counts a failed Redis operation and logs it, at most once per
// logEvery for each kind of operation: while Redis is down every loop fails
// at every turn.
func (e *Engine) redisFailed(ctx context.Context, op, what string, err error) {
	if ctx.Err() != nil {
		return
	}
	e.metrics.redisErrors.WithLabelValues(op).Inc()
	e.logThrottled(ctx, what, "alerting: "+what, "err", err)
}

// logEvery spaces out the logs of a failure that repeats.
const logEvery = 10 * time.Second

// pause waits d or until ctx is done.
func pause(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
