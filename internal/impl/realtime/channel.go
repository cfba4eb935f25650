package realtime

import (
	"github.com/lightwatch/lightwatch/internal/impl/stream"
)

// Channel is what a connection subscribes to: one Redis stream, served at
// /ws/<channel>. The names are part of the WebSocket contract (the AsyncAPI
// document); never change them.
type Channel string

// The channels.
const (
	ChannelLogs     Channel = "logs"
	ChannelSecurity Channel = "security-events"
	ChannelMetrics  Channel = "metrics"
	ChannelAlerts   Channel = "alerts"
)

// channels lists every channel; its index is the channel's slot in the hub.
var channels = [...]Channel{ChannelLogs, ChannelSecurity, ChannelMetrics, ChannelAlerts}

const numChannels = len(channels)

// stream returns the Redis stream a channel reads.
func (c Channel) stream() string {
	switch c {
	case ChannelLogs:
		return stream.Logs
	case ChannelSecurity:
		return stream.Security
	case ChannelMetrics:
		return stream.Metrics
	case ChannelAlerts:
		return stream.Alerts
	}
	return ""
}

// index is the channel's position in channels, or -1.
func (c Channel) index() int {
	for i, x := range channels {
		if x == c {
			return i
		}
	}
	return -1
}

// channelOf maps a stream name back to its channel.
func channelOf(streamName string) (Channel, bool) {
	for _, c := range channels {
		if c.stream() == streamName {
			return c, true
		}
	}
	return "", false
}
