package redisconn_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/lightwatch/lightwatch/internal/impl/redisconn"
	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/testwait"
)

// A client from a redis-sentinel:// URL talks to the master the Sentinels
// name and follows a failover: a blocked reader on the old master is woken
// with an error, and a new blocking connection and plain commands reach the
// new master, where what was written before the failover still is.
func TestConnectSentinelFollowsFailover(t *testing.T) {
	g := redistest.StartSentinelGroup(t, 2)
	ctx := testContext(t)
	client, stop, err := redisconn.Connect(ctx, g.URL, discard)
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(stop)
	roundTrip(ctx, t, client)
	if err := client.Wait(ctx, 1, 5*time.Second).Err(); err != nil { // the replica has the entry
		t.Fatal(err)
	}
	first, err := g.Master(ctx)
	if err != nil {
		t.Fatal(err)
	}

	readCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	conn, release := redisconn.Blocking(readCtx, client)
	defer release()
	blocked := make(chan error, 1)
	go func() {
		_, err := conn.XRead(readCtx, &redis.XReadArgs{Streams: []string{"s", "$"}, Block: 0}).Result()
		blocked <- err
	}()
	waitBlocked(t, first.Addr)

	g.Failover(t)
	select {
	case err := <-blocked:
		if err == nil || errors.Is(err, redis.Nil) {
			t.Fatalf("blocked read on the old master returned %v, want a connection error", err)
		}
	case <-ctx.Done():
		t.Fatal("a read blocked on the old master was not woken by the failover")
	}

	second, err := g.Master(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatal("no failover happened")
	}
	// Through the client (retries ride over the switch) to the new master.
	if err := client.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []any{"k", "after"}}).Err(); err != nil {
		t.Fatalf("XADD after the failover: %v", err)
	}
	direct := redis.NewClient(&redis.Options{Addr: second.Addr})
	defer direct.Close()
	got, err := direct.XRange(ctx, "s", "-", "+").Result()
	if err != nil || len(got) != 2 || got[0].Values["k"] != "v" || got[1].Values["k"] != "after" {
		t.Fatalf("stream on the new master: %+v, %v; want the entries from before and after", got, err)
	}
	conn2, release2 := redisconn.Blocking(ctx, client)
	defer release2()
	res, err := conn2.XRead(ctx, &redis.XReadArgs{Streams: []string{"s", "0-0"}, Block: time.Second}).Result()
	if err != nil || len(res) != 1 || len(res[0].Messages) != 2 {
		t.Fatalf("blocking read after the failover: %+v, %v", res, err)
	}
}

// waitBlocked waits until the server at addr has a client blocked in a command.
func waitBlocked(t *testing.T, addr string) {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	defer c.Close()
	testwait.Until(t, "a read blocked on "+addr, 15*time.Second, func() bool {
		info, err := c.Info(testContext(t), "clients").Result()
		return err == nil && strings.Contains(info, "blocked_clients:1")
	})
}

func TestConnectSentinelErrorsKeepPasswordSecret(t *testing.T) {
	ctx, cancel := context.WithTimeout(testContext(t), time.Second)
	defer cancel()
	for url, want := range map[string]string{
		"redis-sentinel://:s3cret@127.0.0.1:1/m": "connect to redis master \"m\" via sentinels 127.0.0.1:1",
		"redis-sentinel://:s3cret@127.0.0.1:1":   "parse redis sentinel URL",
	} {
		_, _, err := redisconn.Connect(ctx, url, discard)
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: err %v, want one mentioning %q without the password", url, err, want)
		}
	}
}
