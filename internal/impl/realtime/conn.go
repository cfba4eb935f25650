package realtime

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// serveConn runs one upgraded connection until it ends: the read loop in
// this goroutine, the writer and, with since, the resume in goroutines of
// their own. clipped says since was raised to the start of the replay
// window (clipSince): the client is told with a reset right after subscribed.
func (s *Service) serveConn(reqCtx context.Context, conn *websocket.Conn, ch Channel, tenant string, f *subscription, since *streams.ID, clipped bool) {
	c := newClient(conn, ch, tenant, f, s.limits, s.m.forChannel(ch))
	// Queued before the client is registered, so that it is the first
	// message: no entry can be delivered ahead of it.
	c.appendLocked(subscribedMessage(ch, f))
	if clipped {
		c.m.resets.Inc()
		c.appendLocked(replayLimitMessage(since.Next()))
	}
	if since != nil {
		c.replaying, c.last = true, *since
	}
	if !s.hub.add(c) {
		msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down")
		_ = conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(s.writer.writeTimeout))
		_ = conn.Close()
		return
	}
	defer s.hub.remove(c)
	gauge := s.m.connections.WithLabelValues(string(ch))
	gauge.Inc()
	defer gauge.Dec()

	// The request's values (request id) without its cancellation: the
	// connection outlives the handshake's request handling.
	ctx, cancel := context.WithCancel(context.WithoutCancel(reqCtx))
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	defer c.finish()
	defer s.guard(ctx, c, "read loop")
	wg.Go(func() {
		defer s.guard(ctx, c, "writer")
		c.writeLoop(s.writer)
	})
	if since != nil {
		wg.Go(func() {
			defer s.guard(ctx, c, "resume")
			s.resume(ctx, c, *since)
		})
	}
	s.readLoop(ctx, c)
}

// guard turns a panic in one of a connection's goroutines into a logged
// error and the end of that connection only. The goroutines run outside the
// HTTP handler, where the Recover middleware cannot catch anything.
func (s *Service) guard(ctx context.Context, c *client, where string) {
	if v := recover(); v != nil {
		s.logger.ErrorContext(ctx, "realtime: panic", "in", where, "channel", c.channel, "panic", v, "stack", string(debug.Stack()))
		c.finish()
	}
}

// readLoop reads client messages until the connection ends. Any frame,
// pongs included, proves the client alive for another pongWait.
func (s *Service) readLoop(ctx context.Context, c *client) {
	conn := c.conn
	conn.SetReadLimit(MaxClientMessageBytes)
	alive := func() error { return conn.SetReadDeadline(time.Now().Add(s.pongWait)) }
	_ = alive()
	conn.SetPongHandler(func(string) error { return alive() })
	for {
		_, data, err := conn.ReadMessage()
		if err != nil {
			if websocket.IsUnexpectedCloseError(err, websocket.CloseNormalClosure, websocket.CloseGoingAway, websocket.CloseNoStatusReceived) {
				s.logger.DebugContext(ctx, "realtime: connection ended", "channel", c.channel, "err", err)
			}
			return
		}
		_ = alive()
		if err := s.handleMessage(ctx, c, data); err != nil {
			return // the connection ended while the answer waited for room
		}
	}
}

// handleMessage answers one client message. A message the server cannot
// use gets an error message and changes nothing; the connection stays open.
func (s *Service) handleMessage(ctx context.Context, c *client, data []byte) error {
	var m clientMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return c.control(ctx, errorMessage("malformed message: want a JSON object such as "+
			`{"type":"subscribe","filters":{...}}: `+err.Error()), nil)
	}
	if m.Type != msgSubscribe {
		return c.control(ctx, errorMessage(fmt.Sprintf("unknown message type %q: the server accepts subscribe", m.Type)), nil)
	}
	fv, perr := messageFilters(c.channel, m.Filters)
	var f *subscription
	if perr == nil {
		f, perr = parseFilter(c.channel, fv)
	}
	if perr != nil {
		return c.control(ctx, errorMessage("filters."+perr.Error()+"; the filters in force are unchanged"), nil)
	}
	return c.control(ctx, subscribedMessage(c.channel, f), func() { c.filter = f })
}
