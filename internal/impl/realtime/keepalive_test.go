package realtime

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestPingsKeepAnAnsweringClientAndDropASilentOne(t *testing.T) {
	// A PongWait of a second leaves room for a loaded machine to be late with a pong.
	const interval, wait = 50 * time.Millisecond, time.Second
	h := newHarness(t, redisClient(t), func(o *Options) { o.PingInterval, o.PongWait = interval, wait })

	// gorilla's client answers pings while it reads; count them.
	alive := h.dial("/ws/logs", acmeKey)
	pings := make(chan struct{}, 100)
	alive.conn.SetPingHandler(func(data string) error {
		pings <- struct{}{}
		return alive.conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	alive.expect(msgSubscribed)
	type read struct {
		m   message
		err error
	}
	done := make(chan read, 1)
	go func() { // reads (and so answers pings) until the event
		m, err := alive.tryNext(waitTimeout)
		done <- read{m, err}
	}()
	// Enough pings to span more than PongWait: the answers keep it open.
	deadline := time.After(waitTimeout)
	for n := 0; n < int(2*wait/interval); n++ {
		select {
		case <-pings:
		case <-deadline:
			t.Fatalf("only %d pings", n)
		}
	}
	h.publish(logEvent("acme", "still-here", "checkout", "info", "x", nil))
	if r := <-done; r.err != nil || r.m.Type != msgEvent || r.m.Event.ID != "still-here" {
		t.Fatalf("got %s, %v", r.m.raw, r.err)
	}

	// A client that reads but never answers is closed after PongWait.
	silent := h.dial("/ws/logs", acmeKey)
	silent.conn.SetPingHandler(func(string) error { return nil })
	silent.expect(msgSubscribed)
	start := time.Now()
	for {
		_, err := silent.tryNext(waitTimeout)
		if err == nil {
			continue
		}
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("the silent client was not dropped: %v", err)
		}
		break
	}
	if el := time.Since(start); el < wait/2 {
		t.Errorf("dropped after %s, before PongWait %s", el, wait)
	}
}

func TestShutdownSendsGoingAway(t *testing.T) {
	h := newHarness(t, redisClient(t), nil)
	clients := []*wsClient{h.dial("/ws/logs", acmeKey), h.dial("/ws/alerts", globexKey)}
	for _, c := range clients {
		c.expect(msgSubscribed)
	}
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if err := h.svc.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for i, c := range clients {
		_, err := c.tryNext(waitTimeout)
		if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
			t.Errorf("client %d: %v, want close 1001", i, err)
		}
	}
	if n := h.counter(h.svc.m.connections.WithLabelValues("logs")); n != 0 {
		t.Errorf("connections after shutdown = %v", n)
	}
	// Later handshakes are closed at once.
	c, _, err := h.tryDial("/ws/logs", acmeKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.tryNext(waitTimeout); !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Errorf("after shutdown: %v, want close 1001", err)
	}
}
