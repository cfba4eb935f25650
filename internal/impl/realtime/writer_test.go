package realtime

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// connPair returns both ends of a real WebSocket connection.
func connPair(t *testing.T) (server, client *websocket.Conn) {
	t.Helper()
	conns := make(chan *websocket.Conn, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			t.Error(err)
			return
		}
		conns <- c
	}))
	t.Cleanup(srv.Close)
	client, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	server = <-conns
	t.Cleanup(func() { _ = client.Close(); _ = server.Close() })
	return server, client
}

// Whatever is queued goes out joined by newlines, in as few WebSocket
// messages as the frame bound allows.
func TestWriterBatchesQueuedMessages(t *testing.T) {
	server, client := connPair(t)
	all, _ := parseFilter(ChannelLogs, nil)
	m := NewMetrics(nopRegisterer{}).forChannel(ChannelLogs)
	c := newClient(server, ChannelLogs, "acme", all, limits{queueMessages: 100, queueBytes: 1 << 20, replayBuffer: 1}, m)
	for _, msg := range []string{`{"n":1}`, `{"n":2}`, `{"n":3}`, strings.Repeat("x", 30), `{"n":5}`} {
		c.appendLocked([]byte(msg))
	}
	if err := c.flush(writerConfig{writeTimeout: time.Second, maxFrameBytes: 40}); err != nil {
		t.Fatal(err)
	}
	want := []string{`{"n":1}` + "\n" + `{"n":2}` + "\n" + `{"n":3}`, strings.Repeat("x", 30) + "\n" + `{"n":5}`}
	for i, w := range want {
		_ = client.SetReadDeadline(time.Now().Add(waitTimeout))
		_, got, err := client.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != w {
			t.Errorf("WebSocket message %d = %q, want %q", i, got, w)
		}
	}
	// A message over the bound goes alone rather than never.
	c.appendLocked([]byte(strings.Repeat("y", 100)))
	if err := c.flush(writerConfig{writeTimeout: time.Second, maxFrameBytes: 40}); err != nil {
		t.Fatal(err)
	}
	if _, got, err := client.ReadMessage(); err != nil || len(got) != 100 {
		t.Fatalf("big message: %d bytes, %v", len(got), err)
	}
}

// A message after a quiet spell goes out at once; messages that follow it
// within the flush interval gather and go out as one frame, and a close
// request does not wait for the interval to end.
func TestWriterGathersWithinTheFlushInterval(t *testing.T) {
	server, client := connPair(t)
	all, _ := parseFilter(ChannelLogs, nil)
	m := NewMetrics(nopRegisterer{}).forChannel(ChannelLogs)
	c := newClient(server, ChannelLogs, "acme", all, limits{queueMessages: 100, queueBytes: 1 << 20, replayBuffer: 1}, m)
	go c.writeLoop(writerConfig{pingInterval: time.Hour, writeTimeout: waitTimeout, maxFrameBytes: 1 << 10, flushInterval: time.Hour})
	t.Cleanup(c.finish)

	frames := make(chan string, 10)
	go func() {
		defer close(frames)
		for {
			_ = client.SetReadDeadline(time.Now().Add(waitTimeout))
			_, got, err := client.ReadMessage()
			if err != nil {
				return
			}
			frames <- string(got)
		}
	}()
	next := func() string {
		t.Helper()
		select {
		case f, ok := <-frames:
			if !ok {
				t.Fatal("connection ended")
			}
			return f
		case <-time.After(waitTimeout):
			t.Fatal("no frame")
		}
		return ""
	}
	deliver := func(msg string) {
		c.mu.Lock()
		c.appendLocked([]byte(msg))
		c.mu.Unlock()
	}

	deliver(`{"n":1}`)
	if got := next(); got != `{"n":1}` {
		t.Fatalf("first frame = %q", got)
	}
	deliver(`{"n":2}`)
	// Within the interval nothing more is written: the writer woke for
	// n:2 and is gathering. (A window of no news, not a synchronisation.)
	select {
	case f := <-frames:
		t.Fatalf("frame %q written within the flush interval", f)
	case <-time.After(100 * time.Millisecond):
	}
	deliver(`{"n":3}`)
	c.requestClose(websocket.CloseNormalClosure, "bye")
	if got := next(); got != `{"n":2}`+"\n"+`{"n":3}` {
		t.Fatalf("gathered frame = %q", got)
	}
}
