package stream_test

import (
	"context"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/redistest"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// BenchmarkPublish measures the write path: 500-event batches of ~200-byte
// log events into a stream capped with MAXLEN ~ 100k, as ingest runs it.
//
//	go test -run '^$' -bench BenchmarkPublish -benchtime 5s ./internal/impl/stream/
func BenchmarkPublish(b *testing.B) {
	b.Run("in-process", func(b *testing.B) { benchPublish(b, streams.NewMemory()) }) // the embedded default
	b.Run("redis-server", func(b *testing.B) { benchPublish(b, streams.NewRedis(connect(b, redistest.Start(b)))) })
}

func benchPublish(b *testing.B, log streams.Streams) {
	const batch = 500
	ctx := context.Background()
	p := stream.New(log, 100_000)
	events := logs(batch)
	b.ReportAllocs()
	b.ResetTimer()
	batches := 0
	for b.Loop() {
		if err := p.Publish(ctx, events); err != nil {
			b.Fatalf("Publish: %v", err)
		}
		batches++
	}
	b.ReportMetric(float64(batches*batch)/b.Elapsed().Seconds(), "events/s")
}
