package realtime

import (
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// This file is how live clients learn of events that never reached them
// because of the server, not of their own queue: events the stream forwarder
// could not publish (Missed), and entries trimmed before the reader read them
// (trimmed).

// missBudget bounds the filter matches one Missed call makes (events ×
// connections of their tenant). Past it, every connection of the tenant
// and channel is told of all the channel's missed events: an over-count,
// never a silent loss, and a bounded cost on a path taken under overload.
const missBudget = 1 << 20

// Missed tells live clients of events that will never reach the streams:
// the stream publish queue was full (a slow Redis, a publisher starved of
// CPU) or the publish failed. Every connection whose filters match some of
// them is sent a lagged message counting them, as when its own queue
// overflows, and they are counted in lightwatch_realtime_missed_total.
// It never blocks on a connection. It is a streamforward OnMissed hook.
//
// It reaches only this instance's clients: with a shared Redis, clients of
// other instances learn nothing of events this one failed to publish.
func (s *Service) Missed(events []event.Event) {
	var byChannel [numChannels][]*event.Event
	for i := range events {
		if ch, ok := channelOf(stream.Name(events[i].Kind)); ok {
			byChannel[ch.index()] = append(byChannel[ch.index()], &events[i])
		}
	}
	for ch, evs := range byChannel {
		if len(evs) > 0 {
			s.hub.missed(ch, evs)
		}
	}
}

// missed counts, for each connection of channel ch, the events of its
// tenant its filters match, and records them as dropped.
func (h *hub) missed(ch int, evs []*event.Event) {
	byTenant := map[string][]*entry{}
	for _, ev := range evs {
		byTenant[ev.Tenant] = append(byTenant[ev.Tenant], &entry{tenant: ev.Tenant, event: ev})
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	for tenant, entries := range byTenant {
		set := h.subs[ch][tenant]
		exact := len(entries)*len(set) <= missBudget
		for c := range set {
			c.miss(entries, exact)
		}
	}
}

// miss records as dropped the entries c's filter matches (all of them when
// not exact), so that its writer sends a lagged message for them.
func (c *client) miss(entries []*entry, exact bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(entries)
	if exact {
		n = 0
		for _, e := range entries {
			if c.filter.match(e) {
				n++
			}
		}
	}
	if n == 0 {
		return
	}
	c.dropped += n
	c.m.missed.Add(float64(n))
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// trimmed tells every connection of channel ch, whatever its tenant, that
// entries were trimmed before the reader could read them: delivery resumes
// at oldest. It queues a reset message without waiting (counted in
// lightwatch_realtime_resets_total); a connection whose queue is full is
// sent a lagged message instead.
func (h *hub) trimmed(ch int, oldest streams.ID) {
	msg := resetMessage(oldest)
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, set := range h.subs[ch] {
		for c := range set {
			c.notice(msg)
		}
	}
}

// notice queues a message of the server's own without blocking: with no
// room, it counts one lost message, reported by the next lagged message.
func (c *client) notice(msg []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.hasRoomLocked(len(msg)) {
		c.dropped++
		c.m.missed.Inc()
		return
	}
	c.m.resets.Inc()
	c.appendLocked(msg)
}
