package realtime

import (
	"context"
	"sync"
)

// hub indexes connections by channel and tenant, so that an entry is offered
// only to the connections that could want it: dispatch never scans clients
// of other tenants or channels, and the reader skips entries nobody watches
// without decoding them.
type hub struct {
	mu      sync.RWMutex
	subs    [numChannels]map[string]map[*client]struct{} // channel index → tenant → clients
	closing bool
	// conns counts connections being served, so that Shutdown can wait for
	// them; it is incremented under mu only while not closing.
	conns sync.WaitGroup
	// matched holds, during one dispatch, whether the entry matches each
	// distinct filter (by its normalized form) already tried: clients with
	// the same filters share one match. Only the reader goroutine
	// dispatches, so it needs no lock of its own.
	matched map[string]bool
}

// shareMatchesFrom is the number of a tenant's clients on a channel from
// which dispatch matches each distinct filter once: below it, a match per
// client costs less than looking the filter up.
const shareMatchesFrom = 8

func newHub() *hub {
	h := &hub{matched: map[string]bool{}}
	for i := range h.subs {
		h.subs[i] = map[string]map[*client]struct{}{}
	}
	return h
}

// add registers c for live delivery. It returns false once the hub is
// shutting down; otherwise the caller must call remove when c ends.
func (h *hub) add(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.conns.Add(1)
	byTenant := h.subs[c.channel.index()]
	set := byTenant[c.tenant]
	if set == nil {
		set = map[*client]struct{}{}
		byTenant[c.tenant] = set
	}
	set[c] = struct{}{}
	return true
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	byTenant := h.subs[c.channel.index()]
	if set := byTenant[c.tenant]; set != nil {
		delete(set, c)
		if len(set) == 0 {
			delete(byTenant, c.tenant)
		}
	}
	h.conns.Done()
}

// watched reports whether any connection of the channel's tenant exists.
func (h *hub) watched(ch int, tenant string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[ch][tenant]) > 0
}

// dispatch offers e to every connection of its channel and tenant. Each
// delivery only takes that client's lock briefly, never waits on its
// socket, so holding the read lock throughout is cheap and keeps the set
// stable. Every client is sent the same bytes (e.msg), and with many
// clients each distinct filter is matched once (see matched). Only the
// reader goroutine calls it.
func (h *hub) dispatch(ch int, e *entry) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	set := h.subs[ch][e.tenant]
	var matched map[string]bool
	if len(set) >= shareMatchesFrom {
		matched = h.matched
		clear(matched)
	}
	for c := range set {
		c.deliver(e, matched)
	}
}

// shutdown stops new registrations, asks every connection to close with
// code and text, and waits until they have ended or ctx is done; then it
// cuts the ones left.
func (h *hub) shutdown(ctx context.Context, code int, text string) error {
	h.mu.Lock()
	h.closing = true
	var all []*client
	for _, byTenant := range h.subs {
		for _, set := range byTenant {
			for c := range set {
				all = append(all, c)
			}
		}
	}
	h.mu.Unlock()
	for _, c := range all {
		c.requestClose(code, text)
	}
	ended := make(chan struct{})
	go func() {
		h.conns.Wait()
		close(ended)
	}()
	select {
	case <-ended:
		return nil
	case <-ctx.Done():
		for _, c := range all {
			c.finish() // ends its read loop, and so its goroutines
		}
		return ctx.Err()
	}
}
