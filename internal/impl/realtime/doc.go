// Package realtime pushes events from the streams (package streams: the
// in-process log of the embedded default, or Redis Streams) to WebSocket clients:
// the live tail of logs, security events, metric samples and alerts.
//
// # Contract
//
// Channels are HTTP paths: /ws/logs (stream:logs), /ws/security-events
// (stream:security), /ws/metrics (stream:metrics) and /ws/alerts
// (stream:alerts). A client authenticates with Authorization: Bearer <key>
// or, from a browser, ?access_token=<key>; the key needs the read scope, and
// the client only ever sees its key's tenant's events. Filters are query
// parameters with the query API's names and meaning (package filter); since=<cursor>
// resumes after a cursor. Every refusal (401, 403, 400 naming the
// parameter, 404, 426, 503) is application/problem+json, before the upgrade.
//
// The server sends JSON objects, one or more per WebSocket text message,
// separated by "\n" (clients split on newlines):
//
//	{"type":"subscribed","channel":"logs","filters":{...}}  first, and after each subscribe
//	{"type":"event","channel":"logs","cursor":"<id>","event":{...envelope...}}
//	{"type":"alert","channel":"alerts","cursor":"<id>","alert":{...}}
//	{"type":"lagged","dropped":N}      N messages were lost to a full queue
//	{"type":"reset","reason":"history_trimmed","oldest":"<id>"}  since is older than the stream
//	{"type":"error","message":"..."}   a client message was refused; nothing changed
//
// A cursor is the stream entry id, <ms>-<seq> (streams.ID). since=0-0 replays all the
// stream holds. A reset is sent when since is before the stream's oldest entry:
// entries after since may have been trimmed away (the stream does not record
// whether any existed, so a client whose last entry was exactly the one trimmed
// gets a reset it did not strictly need). An empty stream sends no reset.
//
// The client may send {"type":"subscribe","filters":{...}} to replace its
// filters (values are strings or arrays of strings). The server pings every
// PingInterval and drops a client silent for PongWait; on shutdown it sends
// close 1001.
//
// # Design
//
// One reader goroutine per instance reads all four streams with one blocking
// read (on Redis, XREAD BLOCK) from the last ids it saw, with no consumer
// group, so every instance sees every entry (reader.go). It decodes an entry
// once, for filtering, and builds its message bytes once; the hub offers
// them to the connections of the entry's channel and tenant (hub.go).
// Offering never blocks: each connection has a bounded queue of message
// slices; overflow is counted and reported as lagged (client.go). One writer
// goroutine per connection writes whatever is queued as one WebSocket
// message (writer.go). Resuming replays the stream with range reads (XRANGE
// on Redis) while live entries are held aside, then switches over without
// gap or duplicate (resume.go).
package realtime
