package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// keyPrefix is go-redis/redis_rate's, so the per-request mode and the
// synced mode share state.
const keyPrefix = "rate:"

// syncChunk bounds the keys of one script call.
const syncChunk = 500

// syncTimeout bounds one sync.
const syncTimeout = 5 * time.Second

// syncScript adds ARGV[i+1] admitted requests to each key's TAT (GCRA, the
// value and epoch of redis_rate) and returns every key's TAT as seconds ahead
// of Redis's clock. Counts are added whatever the TAT: the requests were
// admitted already, and the excess is paid back by later denials.
var syncScript = redis.NewScript(`
redis.replicate_commands()
local em = tonumber(ARGV[1])
local t = redis.call("TIME")
local now = (t[1] - 1483228800) + (t[2] / 1000000)
local out = {}
for i, k in ipairs(KEYS) do
  local n = tonumber(ARGV[i + 1])
  local tat = redis.call("GET", k)
  if tat then tat = math.max(tonumber(tat), now) else tat = now end
  if n > 0 then
    tat = tat + n * em
    redis.call("SET", k, tostring(tat), "EX", math.ceil(tat - now))
  end
  out[i] = tostring(tat - now)
end
return out`)

type syncer struct {
	client   *redis.Client
	interval time.Duration
	buckets  *buckets
	em       string // the emission interval in seconds, the script's ARGV[1]
}

func (s *syncer) run(ctx context.Context, onError func(error)) {
	t := time.NewTicker(s.interval)
	defer t.Stop()
	report := func(err error) {
		if err != nil && onError != nil {
			onError(err)
		}
	}
	for {
		select {
		case <-t.C:
			report(s.once(ctx))
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), syncTimeout)
			report(s.once(fctx))
			cancel()
			return
		}
	}
}

// learn reads key's shared state into its bucket before its first local
// decision. A failure leaves the bucket whole: the instance limits alone
// until Redis answers again.
func (s *syncer) learn(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	res, err := syncScript.Run(ctx, s.client, []string{keyPrefix + key}, s.em, 0).StringSlice()
	now := time.Now()
	ahead := 0.0
	if err == nil && len(res) == 1 {
		ahead, _ = strconv.ParseFloat(res[0], 64)
	}
	s.buckets.settle(key, time.Duration(ahead*float64(time.Second)), now)
}

// once syncs every active key. Counts of a failed chunk are given back to
// their buckets, so no admitted request is lost to the shared state.
func (s *syncer) once(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	items := s.buckets.take(time.Now())
	for start := 0; start < len(items); start += syncChunk {
		chunk := items[start:min(start+syncChunk, len(items))]
		keys := make([]string, len(chunk))
		args := make([]any, 1, len(chunk)+1)
		args[0] = s.em
		for i, it := range chunk {
			keys[i] = keyPrefix + it.key
			args = append(args, it.count)
		}
		res, err := syncScript.Run(ctx, s.client, keys, args...).StringSlice()
		now := time.Now()
		if err != nil {
			s.buckets.giveBack(items[start:])
			return fmt.Errorf("ratelimit: sync %d keys with redis: %w", len(items)-start, err)
		}
		for i, it := range chunk {
			ahead, err := strconv.ParseFloat(res[i], 64)
			if err != nil {
				continue
			}
			s.buckets.settle(it.key, time.Duration(ahead*float64(time.Second)), now)
		}
	}
	return nil
}
