package realtime

import (
	"fmt"
	"io"
	"time"

	"github.com/gorilla/websocket"
)

// closeGrace is how long the writer waits, after sending a close frame, for
// the client to answer with its own before the connection is cut.
const closeGrace = time.Second

// writerConfig are the writer's timings and framing bounds, from Options.
type writerConfig struct {
	pingInterval  time.Duration
	writeTimeout  time.Duration
	maxFrameBytes int
	// flushInterval is the least time between two flushes of one
	// connection; see writeLoop.
	flushInterval time.Duration
}

// writeLoop is the connection's only writer of data frames: gorilla's Conn
// allows one concurrent writer, and a single loop per connection is what lets
// it batch. Each wake-up takes everything queued and writes it as few
// WebSocket messages as possible (see writeBatch). It also pings on schedule
// and carries out close requests. On any write error it finishes the
// connection, which ends the read loop too.
//
// Flushes of one connection are at least flushInterval apart: a message that
// arrives after a quiet spell goes out at once, but on a busy stream the
// writer lets messages gather for the rest of the interval and sends them as
// one frame. A write to a socket is a system call that also wakes the
// client, and it costs the same for one event as for thirty; at 1,000
// clients x 100 events/s these writes were over half of the server's CPU.
// The interval bounds the latency this adds.
func (c *client) writeLoop(cfg writerConfig) {
	ping := time.NewTicker(cfg.pingInterval)
	defer ping.Stop()
	var (
		lastFlush time.Time
		gather    *time.Timer // created on first use: idle connections never need one
	)
	for {
		select {
		case <-c.wake:
			if !c.hasPending() {
				continue // a wake-up left over from messages an earlier flush took
			}
			if wait := cfg.flushInterval - time.Since(lastFlush); wait > 0 {
				if gather == nil {
					gather = time.NewTimer(wait)
				} else {
					gather.Reset(wait)
				}
				select {
				case <-gather.C:
				case <-c.closeReq:
					gather.Stop()
					c.closeNow(cfg)
					return
				case <-c.done:
					return
				}
			}
			lastFlush = time.Now()
			if err := c.flush(cfg); err != nil {
				c.finish()
				return
			}
		case <-ping.C:
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(cfg.writeTimeout)); err != nil {
				c.finish()
				return
			}
		case <-c.closeReq:
			c.closeNow(cfg)
			return
		case <-c.done:
			return
		}
	}
}

// closeNow carries out a close request: what is queued (an error message,
// say) goes out first, best effort, then the close frame; the connection is
// cut when the client answers or after closeGrace.
func (c *client) closeNow(cfg writerConfig) {
	_ = c.flush(cfg)
	msg := websocket.FormatCloseMessage(c.closeCode, c.closeText)
	_ = c.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(cfg.writeTimeout))
	t := time.NewTimer(closeGrace)
	select {
	case <-c.done:
	case <-t.C:
	}
	t.Stop()
	c.finish()
}

// flush writes what is queued.
func (c *client) flush(cfg writerConfig) error {
	batch := c.take()
	if len(batch) == 0 {
		return nil
	}
	defer c.recycle(batch)
	for start := 0; start < len(batch); {
		n, err := c.writeBatch(batch[start:], cfg)
		if err != nil {
			return err
		}
		start += n
	}
	c.m.delivered.Add(float64(len(batch)))
	return nil
}

// writeBatch writes messages joined by newlines as one WebSocket text
// message, stopping before the one that would take it over maxFrameBytes
// (the first always goes, whatever its size), and returns how many it
// wrote. The bound keeps any one WebSocket message within what common
// client libraries accept by default, while a burst still costs a few
// writes rather than one per event.
func (c *client) writeBatch(msgs [][]byte, cfg writerConfig) (int, error) {
	if err := c.conn.SetWriteDeadline(time.Now().Add(cfg.writeTimeout)); err != nil {
		return 0, fmt.Errorf("set write deadline: %w", err)
	}
	w, err := c.conn.NextWriter(websocket.TextMessage)
	if err != nil {
		return 0, fmt.Errorf("start message: %w", err)
	}
	size, n := 0, 0
	for _, m := range msgs {
		if n > 0 {
			if size+1+len(m) > cfg.maxFrameBytes {
				break
			}
			if _, err := io.WriteString(w, messageSeparator); err != nil {
				return n, fmt.Errorf("write message: %w", err)
			}
			size++
		}
		if _, err := w.Write(m); err != nil {
			return n, fmt.Errorf("write message: %w", err)
		}
		size += len(m)
		n++
	}
	if err := w.Close(); err != nil {
		return n, fmt.Errorf("end message: %w", err)
	}
	return n, nil
}
