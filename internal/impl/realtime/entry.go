package realtime

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/stream"
	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// entry is one stream entry made ready for delivery: decoded once for
// filtering, and encoded once as the message every matching client is sent.
type entry struct {
	id     streams.ID
	tenant string
	// Exactly one of event and alert is set, by the channel.
	event *event.Event
	alert *alertFields
	// msg is the complete server message (type event or alert). It is shared
	// by every client it goes to, so it is never modified.
	msg []byte
}

// errOtherTenant says an entry was skipped before decoding.
var errOtherTenant = errors.New("entry of another tenant")

// decodeEntry decodes and encodes one entry of ch. want, when not "",
// is the only tenant of interest: entries of others return errOtherTenant
// without being decoded. The tenant field, which the publisher copies out of
// the envelope, is what lets entries of tenants nobody watches be skipped
// undecoded.
func decodeEntry(ch Channel, m streams.Message, want string) (*entry, error) {
	id, tenant := m.ID, m.Tenant
	if tenant == "" {
		return nil, fmt.Errorf("entry %s has no %s field", id, stream.FieldTenant)
	}
	if want != "" && tenant != want {
		return nil, errOtherTenant
	}
	if len(m.Event) == 0 {
		return nil, fmt.Errorf("entry %s has no %s field", id, stream.FieldEvent)
	}
	raw, err := compactLine(m.Event)
	if err != nil {
		return nil, fmt.Errorf("entry %s: %s is not JSON: %w", id, stream.FieldEvent, err)
	}
	e := &entry{id: id, tenant: tenant}
	if ch == ChannelAlerts {
		e.alert = new(alertFields)
		err = json.Unmarshal(raw, e.alert)
	} else {
		e.event = new(event.Event)
		err = json.Unmarshal(raw, e.event)
		if err == nil && !belongs(e.event, ch) {
			err = fmt.Errorf("kind %q does not belong on channel %s", e.event.Kind, ch)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("entry %s: decode %s: %w", id, stream.FieldEvent, err)
	}
	e.msg = dataMessage(ch, id.String(), raw)
	return e, nil
}

// belongs reports whether an event has the body its channel's filters read.
func belongs(e *event.Event, ch Channel) bool {
	switch ch {
	case ChannelLogs:
		return e.Log != nil
	case ChannelSecurity:
		return e.Security != nil
	case ChannelMetrics:
		return e.Metric != nil
	}
	return false
}
