package alerting

import (
	"context"
	"encoding/json"
	"fmt"
)

// NudgeChannel is the pub/sub channel every engine subscribes to: a message
// is a JSON array of rule keys ([{"t": tenant, "r": rule id}, ...]) to
// evaluate now; the holder of each evaluates it, the others ignore it.
const NudgeChannel = "lightwatch:alerting:nudge"

// nudgeBatch bounds the keys of one message.
const nudgeBatch = 500

// nudge has rules evaluated now: queued here for the rules this instance
// holds, published to the others.
func (e *Engine) nudge(ctx context.Context, keys []RuleKey) error {
	var remote []RuleKey
	for _, k := range keys {
		if e.holds(k) {
			e.queue.push(k)
			e.metrics.nudges.WithLabelValues("local").Inc()
		} else {
			remote = append(remote, k)
		}
	}
	for start := 0; start < len(remote); start += nudgeBatch {
		batch := remote[start:min(start+nudgeBatch, len(remote))]
		b, err := json.Marshal(batch)
		if err != nil {
			return fmt.Errorf("encode nudge: %w", err)
		}
		if err := e.redis.Publish(ctx, NudgeChannel, b).Err(); err != nil {
			return fmt.Errorf("publish nudge: %w", err)
		}
		e.metrics.nudges.WithLabelValues("remote").Add(float64(len(batch)))
	}
	return nil
}

// subscribeLoop receives the nudges other instances publish. A nudge for a
// rule this instance does not know means its rule set is behind: reload it.
func (e *Engine) subscribeLoop(ctx context.Context) {
	ps := e.redis.Subscribe(ctx, NudgeChannel)
	defer ps.Close()
	ch := ps.Channel() // go-redis resubscribes after a lost connection
	for {
		select {
		case <-ctx.Done():
			return
		case m, ok := <-ch:
			if !ok {
				return
			}
			var keys []RuleKey
			if err := json.Unmarshal([]byte(m.Payload), &keys); err != nil {
				continue
			}
			rs := e.rules.current()
			for _, k := range keys {
				switch {
				case e.holds(k):
					e.queue.push(k)
				case rs.rule(k) == nil:
					e.requestRefresh()
				}
			}
		}
	}
}
