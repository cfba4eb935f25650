package realtime

import (
	"sync"
	"testing"
	"time"
)

// BenchmarkFanOut measures end-to-end delivery, XADD to WebSocket reads, of
// log events to 100 subscribed clients. b.N is events; each reaches every
// client.
func BenchmarkFanOut(b *testing.B) {
	const clients = 100
	h := newHarness(b, redisClient(b), func(o *Options) { o.QueueMessages = 1 << 16; o.QueueBytes = 64 << 20 })
	conns := make([]*wsClient, clients)
	for i := range conns {
		conns[i] = h.dial("/ws/logs", acmeKey)
		conns[i].expect(msgSubscribed)
	}
	events := logs("acme", "b", b.N)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for _, c := range conns {
		n := len(c.queued) // read with subscribed, in the same WebSocket message
		wg.Go(func() {
			for n < b.N {
				_ = c.conn.SetReadDeadline(time.Now().Add(time.Minute))
				_, data, err := c.conn.ReadMessage()
				if err != nil {
					b.Error(err)
					return
				}
				for _, ch := range data {
					if ch == '\n' {
						n++
					}
				}
				n++
			}
		})
	}
	for i := 0; i < len(events); i += 500 {
		h.publish(events[i:min(i+500, len(events))]...)
	}
	wg.Wait()
	el := time.Since(start)
	b.ReportMetric(float64(b.N)/el.Seconds(), "events/s")
	b.ReportMetric(float64(b.N*clients)/el.Seconds(), "deliveries/s")
}
