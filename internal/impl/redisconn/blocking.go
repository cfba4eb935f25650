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
//
// With a Sentinel client the connection is to the master of the moment; a
// failover closes it (go-redis drops every connection to the old master when
// Sentinel announces the new one), so the read fails and its caller takes a
// new connection, to the new master. A CLIENT UNBLOCK sent after a failover
// reaches the new master, where the id may name another blocked reader: that
// one returns as if its BLOCK timed out, which every reader treats as "read
// again".
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
