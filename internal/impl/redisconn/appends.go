package redisconn

import (
	"context"
	"strings"

	"github.com/redis/go-redis/v9"
)

// WatchAppends returns a channel that receives a value after commands sent
// through client append to a stream (XADD, alone or in a pipeline). Wake-ups
// coalesce: the channel holds at most one, so a receiver that was busy sees
// one for any number of appends, never none after an append.
//
// It is for the embedded Redis, where this process is the only writer and a
// blocked XREAD is expensive: miniredis re-runs a blocked XREAD after every
// command, scanning each stream from its start, so a reader that polls when
// told is far cheaper than one that blocks. With a shared Redis server other
// processes append too, and a blocking read is the right tool.
func WatchAppends(client *redis.Client) <-chan struct{} {
	ch := make(chan struct{}, 1)
	client.AddHook(appendHook{ch})
	return ch
}

type appendHook struct{ ch chan struct{} }

func (h appendHook) signal() {
	select {
	case h.ch <- struct{}{}:
	default: // one is pending already
	}
}

func (appendHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h appendHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if isAppend(cmd) {
			h.signal()
		}
		return err
	}
}

func (h appendHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		for _, cmd := range cmds {
			if isAppend(cmd) {
				h.signal()
				break
			}
		}
		return err
	}
}

// isAppend reports whether cmd is an XADD. It signals whatever the command's
// outcome: a spurious wake-up costs one read, a missed one a stalled reader.
func isAppend(cmd redis.Cmder) bool {
	return strings.EqualFold(cmd.Name(), "xadd")
}
