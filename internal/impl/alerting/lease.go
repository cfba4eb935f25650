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

// instancesKey is the sorted set of the engines alive: member an instance
// id, score the Unix time (ms) until which it counts as alive unless it
// registers again. Engines size their share of the rules by it.
const instancesKey = "lightwatch:alerting:instances"

// Each lease script handles many keys in one round trip and answers one 0/1 per key.
var (
	// acquireScript sets free keys to the owner with an expiry (SET NX PX),
	// at most ARGV[3] of them, in order.
	acquireScript = redis.NewScript(`
local out = {}
local left = tonumber(ARGV[3])
for i, k in ipairs(KEYS) do
  if left > 0 and redis.call('SET', k, ARGV[1], 'NX', 'PX', ARGV[2]) then
    out[i] = 1
    left = left - 1
  else
    out[i] = 0
  end
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
	// presenceScript registers ARGV[1] as alive until ARGV[2]+ARGV[3] (now
	// and ttl, ms), forgets the members that expired before ARGV[2] and
	// answers how many are alive. Instances' clocks only need to agree to
	// within a fraction of the ttl: a disagreement skews the shares, never
	// the leases.
	presenceScript = redis.NewScript(`
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
return redis.call('ZCARD', KEYS[1])`)
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

// acquire takes at most limit of the free keys, in order.
func (l *leases) acquire(ctx context.Context, keys []RuleKey, limit int) ([]bool, error) {
	return l.run(ctx, acquireScript, keys, limit)
}

func (l *leases) extend(ctx context.Context, keys []RuleKey) ([]bool, error) {
	return l.run(ctx, extendScript, keys, len(keys))
}

func (l *leases) release(ctx context.Context, keys []RuleKey) error {
	_, err := l.run(ctx, releaseScript, keys, len(keys))
	return err
}

// run runs s on keys in batches; limit bounds the keys it may answer 1 for
// (the acquire script's third argument; the others ignore it).
func (l *leases) run(ctx context.Context, s *redis.Script, keys []RuleKey, limit int) ([]bool, error) {
	out := make([]bool, 0, len(keys))
	for start := 0; start < len(keys); start += leaseBatch {
		batch := keys[start:min(start+leaseBatch, len(keys))]
		names := make([]string, len(batch))
		for i, k := range batch {
			names[i] = leaseKey(k)
		}
		res, err := s.Run(ctx, l.client, names, l.owner, l.ttl.Milliseconds(), limit).Int64Slice()
		if err != nil {
			return nil, fmt.Errorf("lease script: %w", err)
		}
		if len(res) != len(batch) {
			return nil, fmt.Errorf("lease script: %d answers for %d keys", len(res), len(batch))
		}
		for _, v := range res {
			out = append(out, v == 1)
			if v == 1 {
				limit--
			}
		}
	}
	return out, nil
}

// alive registers this instance for a ttl and returns how many instances are
// alive, itself included.
func (l *leases) alive(ctx context.Context, now time.Time) (int, error) {
	n, err := presenceScript.Run(ctx, l.client, []string{instancesKey}, l.owner, now.UnixMilli(), l.ttl.Milliseconds()).Int()
	if err != nil {
		return 0, fmt.Errorf("presence script: %w", err)
	}
	return max(n, 1), nil
}

// leave unregisters this instance, at shutdown, so that the others' shares
// grow at once.
func (l *leases) leave(ctx context.Context) error {
	if err := l.client.ZRem(ctx, instancesKey, l.owner).Err(); err != nil {
		return fmt.Errorf("leave %s: %w", instancesKey, err)
	}
	return nil
}
