package redisconn

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// unblockTimeout bounds the CLIENT UNBLOCK sent when a blocking read's
// context ends.
const unblockTimeout = time.Second

// Blocking returns a connection of its own for blocking reads (XREAD BLOCK,
// XREADGROUP BLOCK) and the function that releases it. go-redis does not
// interrupt a blocked command when its context is cancelled, so when ctx is
// done the read is woken with CLIENT UNBLOCK and returns as if it had timed
// out; on a server without CLIENT ID it returns at its BLOCK timeout. After
// a failed command, release the connection and take a new one: the wake-up
// is bound to this connection's client id.
func Blocking(ctx context.Context, client *redis.Client) (*redis.Conn, func()) {
	conn := client.Conn()
	stop := func() bool { return false }
	if id, err := conn.ClientID(ctx).Result(); err == nil {
		stop = context.AfterFunc(ctx, func() {
			uctx, cancel := context.WithTimeout(context.Background(), unblockTimeout)
			defer cancel()
			_ = client.ClientUnblock(uctx, id).Err()
		})
	}
	return conn, func() {
		stop()
		_ = conn.Close()
	}
}
