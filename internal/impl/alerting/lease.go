package alerting

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// leasePrefix starts every lease key: lightwatch:alerting:lease:<tenant>/<rule id>,
// whose value is the holder's instance id.
const leasePrefix = "lightwatch:alerting:lease:"

// Each script handles many keys in one round trip and answers one 0/1 per key.
var (
	// acquireScript sets each free key to the owner with an expiry (SET NX PX).
	acquireScript = redis.NewScript(`
local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('SET', k, ARGV[1], 'NX', 'PX', ARGV[2]) then out[i] = 1 else out[i] = 0 end
end
return out`)
	// extendScript renews the expiry of each key the owner still holds
	// (compare and extend): a key that expired and was taken stays taken.
	extendScript = redis.NewScript(`
local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then out[i] = redis.call('PEXPIRE', k, ARGV[2]) else out[i] = 0 end
end
return out`)
	// releaseScript deletes each key the owner holds (compare and delete).
	releaseScript = redis.NewScript(`
local out = {}
for i, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then out[i] = redis.call('DEL', k) else out[i] = 0 end
end
return out`)
)

// leaseBatch bounds the keys of one script call, so that a large rule set
// does not block Redis in one long script.
const leaseBatch = 500

// leases are per-rule leases in Redis: only the holder of a rule's lease
// evaluates it.
type leases struct {
	client *redis.Client
	owner  string
	ttl    time.Duration
}

func leaseKey(k RuleKey) string { return leasePrefix + k.String() }

func (l *leases) acquire(ctx context.Context, keys []RuleKey) ([]bool, error) {
	return l.run(ctx, acquireScript, keys)
}

func (l *leases) extend(ctx context.Context, keys []RuleKey) ([]bool, error) {
	return l.run(ctx, extendScript, keys)
}

func (l *leases) release(ctx context.Context, keys []RuleKey) error {
	_, err := l.run(ctx, releaseScript, keys)
	return err
}

func (l *leases) run(ctx context.Context, s *redis.Script, keys []RuleKey) ([]bool, error) {
	out := make([]bool, 0, len(keys))
	for start := 0; start < len(keys); start += leaseBatch {
		batch := keys[start:min(start+leaseBatch, len(keys))]
		names := make([]string, len(batch))
		for i, k := range batch {
			names[i] = leaseKey(k)
		}
		res, err := s.Run(ctx, l.client, names, l.owner, l.ttl.Milliseconds()).Int64Slice()
		if err != nil {
			return nil, fmt.Errorf("lease script: %w", err)
		}
		if len(res) != len(batch) {
			return nil, fmt.Errorf("lease script: %d answers for %d keys", len(res), len(batch))
		}
		for _, v := range res {
			out = append(out, v == 1)
		}
	}
	return out, nil
}
