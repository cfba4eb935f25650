package realtime

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

// Server → client message types. They are part of the WebSocket contract.
const (
	msgEvent      = "event"      // a log, security event or metric sample
	msgAlert      = "alert"      // an alert changed state
	msgSubscribed = "subscribed" // the connection's filters, as understood
	msgLagged     = "lagged"     // the client's queue overflowed; N messages are lost
	msgReset      = "reset"      // the resume point is no longer in the stream
	msgError      = "error"      // a client message was refused; the connection stays open
)

// Client → server message types.
const msgSubscribe = "subscribe"

// resetHistoryTrimmed is the reason of a reset sent because the stream no
// longer holds the entry a client resumed from.
const resetHistoryTrimmed = "history_trimmed"

// messageSeparator separates the messages that share one WebSocket message:
// each is one line of JSON (NDJSON), so a client splits on newlines.
const messageSeparator = "\n"

// dataMessage builds an event or alert message around the entry's JSON as
// the stream holds it, without decoding and re-encoding it: the reader builds
// it once per entry and every matching client is sent the same bytes.
//
// raw must be one line of valid JSON; the caller checks it (see compactLine).
// The channel and cursor need no escaping: channels are fixed ASCII names and
// cursors are digits and a dash.
func dataMessage(ch Channel, cursor string, raw []byte) []byte {
	typ, field := msgEvent, "event"
	if ch == ChannelAlerts {
		typ, field = msgAlert, "alert"
	}
	b := make([]byte, 0, len(raw)+len(ch)+len(cursor)+48)
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, `","channel":"`...)
	b = append(b, ch...)
	b = append(b, `","cursor":"`...)
	b = append(b, cursor...)
	b = append(b, `","`...)
	b = append(b, field...)
	b = append(b, `":`...)
	b = append(b, raw...)
	return append(b, '}')
}

// compactLine returns raw unchanged when it is already a single line, which
// is what every encoding/json producer writes; otherwise its compacted form,
// so that a pretty-printed entry cannot break the newline framing.
func compactLine(raw []byte) ([]byte, error) {
	if !bytes.ContainsAny(raw, "\r\n") {
		return raw, nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// subscribedMessage tells the client which filters are in force, in the
// form a subscribe message accepts, so that a client can read back what the
// server understood.
func subscribedMessage(ch Channel, f *subscription) []byte {
	return mustJSON(struct {
		Type    string          `json:"type"`
		Channel Channel         `json:"channel"`
		Filters json.RawMessage `json:"filters"`
	}{msgSubscribed, ch, f.echo})
}

// laggedMessage reports that dropped messages never reached the client.
func laggedMessage(dropped int) []byte {
	return []byte(`{"type":"lagged","dropped":` + strconv.Itoa(dropped) + `}`)
}

// resetMessage reports that delivery continues from oldest, not from the
// client's cursor, because the stream was trimmed past it.
func resetMessage(oldest streams.ID) []byte {
	return []byte(`{"type":"reset","reason":"` + resetHistoryTrimmed + `","oldest":"` + oldest.String() + `"}`)
}

func errorMessage(text string) []byte {
	return mustJSON(struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}{msgError, text})
}

// mustJSON encodes values that cannot fail to encode (strings, raw JSON the
// package built itself).
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("realtime: encode message: " + err.Error())
	}
	return b
}

// clientMessage is what a client may send.
type clientMessage struct {
	Type    string                     `json:"type"`
	Filters map[string]json.RawMessage `json:"filters"`
}
