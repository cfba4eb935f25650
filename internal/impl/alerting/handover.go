package alerting

import (
	"context"
	"encoding/json"
	"time"

	"github.com/redis/go-redis/v9"
)

// notificationsKey is the Redis list of the webhook notifications that
// stopping instances could not deliver (JSON handoffs, oldest first): every
// engine takes them over from it at each tick, so that a stop loses none.
const notificationsKey = "lightwatch:alerting:notifications"

// handoff is a notification in transit between instances. It names its
// target by its index in the rule's notify list and carries neither URL nor
// secret: the instance taking it over reads them from the rule, so that no
// secret sits in Redis.
type handoff struct {
	Rule     RuleKey `json:"rule"`
	AlertID  string  `json:"alert"`
	Status   string  `json:"status"`
	Target   int     `json:"target"`
	Body     []byte  `json:"body"`
	Deadline int64   `json:"deadline"` // Unix ms: the end of its retry budget
}

// adoptBatch bounds the notifications taken over at once.
const adoptBatch = 100

// handOver pushes the notifications the notifier left undelivered at its stop
// to notificationsKey.
func (e *Engine) handOver(ctx context.Context, ds []delivery) {
	if len(ds) == 0 {
		return
	}
	vals := make([]any, 0, len(ds))
	for _, d := range ds {
		b, err := json.Marshal(handoff{Rule: d.rule, AlertID: d.alertID, Status: d.status, Target: d.target, Body: d.body, Deadline: d.deadline.UnixMilli()})
		if err != nil { // a struct of strings, ints and bytes always marshals
			continue
		}
		vals = append(vals, b)
	}
	if err := e.redis.RPush(ctx, notificationsKey, vals...).Err(); err != nil {
		e.metrics.redisErrors.WithLabelValues("handover").Inc()
		e.metrics.deliveries.WithLabelValues(outcomeCancelled).Add(float64(len(ds)))
		e.logger.WarnContext(ctx, "hand undelivered webhook notifications over: they are lost", "count", len(ds), "err", err)
		return
	}
	e.metrics.deliveries.WithLabelValues(outcomeHandedOver).Add(float64(len(ds)))
}

// adopt takes over a batch of the notifications stopped instances handed
// over and queues them for delivery.
func (e *Engine) adopt(ctx context.Context) {
	// Not cut short by a stop: a batch taken but not read would be lost.
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	var batch *redis.StringSliceCmd
	_, err := e.redis.TxPipelined(tctx, func(p redis.Pipeliner) error {
		batch = p.LRange(tctx, notificationsKey, 0, adoptBatch-1)
		p.LTrim(tctx, notificationsKey, adoptBatch, -1)
		return nil
	})
	if err != nil {
		e.redisFailed(ctx, "handover", "take over webhook notifications", err)
		return
	}
	rs := e.rules.current()
	var hs []handoff
	reload := false
	for _, raw := range batch.Val() {
		var h handoff
		if err := json.Unmarshal([]byte(raw), &h); err != nil {
			continue
		}
		hs = append(hs, h)
		reload = reload || rs.rule(h.Rule) == nil
	}
	// A rule created since this instance last loaded them (every
	// RuleRefresh) would make its notification look orphaned: load them now.
	if reload {
		if err := e.rules.refresh(tctx); err != nil {
			e.logger.WarnContext(ctx, "reload alert rules for handed-over notifications", "err", err)
		}
		rs = e.rules.current()
	}
	for _, h := range hs {
		e.adoptOne(ctx, rs, h)
	}
}

// adoptOne queues one handed-over notification, unless its rule or target is
// gone or, for a firing, its alert has resolved since (the resolve is told).
func (e *Engine) adoptOne(ctx context.Context, rs *ruleSet, h handoff) {
	r := rs.rule(h.Rule)
	if r == nil || h.Target < 0 || h.Target >= len(r.Notify) {
		e.metrics.deliveries.WithLabelValues(outcomeCancelled).Inc()
		return
	}
	if h.Status == StateFiring {
		if a, err := e.store.GetAlert(ctx, h.Rule.Tenant, h.AlertID); err == nil && a.State == StateResolved {
			e.metrics.deliveries.WithLabelValues(outcomeCancelled).Inc()
			return
		}
	}
	t := r.Notify[h.Target]
	d := delivery{rule: h.Rule, alertID: h.AlertID, status: h.Status, target: h.Target, url: t.URL, secret: t.Secret,
		body: h.Body, deadline: time.UnixMilli(h.Deadline)}
	reason := ""
	switch {
	case !time.Now().Before(d.deadline):
		e.metrics.deliveries.WithLabelValues(outcomeFailed).Inc()
		reason = "its retry budget ran out while it was handed over between instances"
	case !e.notifier.enqueue(d):
		reason = "the notification queue is full"
	default:
		return
	}
	e.noteDelivery(ctx, h.Rule, h.AlertID, d.errorPrefix(), d.errorPrefix()+h.Status+" notification not sent: "+reason)
}
