// Package alerting gives alert rules their meaning and evaluates them.
//
// A rule (rule.go) is parsed from the JSON definition package api stored. Its
// condition is evaluated against the store, the durable record, so that counts
// are exact and the same whichever instance asks (count.go, threshold.go,
// heartbeat.go, anomaly.go). Each label set of a rule has at most one open
// alert, identified by a fingerprint; lifecycle.go moves it through pending,
// firing and resolved, and every transition is written to the store and
// appended to stream:alerts (publish.go).
//
// Several API instances share the work through Redis (engine.go):
//
//   - each rule is evaluated by the holder of its lease (lease.go), a key set
//     with NX and a short expiry that the holder keeps extending; an instance
//     that stops releases its leases, one that dies loses them when they expire,
//     and another instance takes the rule over with its open alerts, read back
//     from the store; each instance takes at most its share of the rules
//     (their number over the instances alive, which register in Redis), and
//     gives up its surplus when another joins;
//   - the consumer group lightwatch-alerting reads stream:logs, stream:security
//     and stream:metrics (consumer.go), so that each event is matched against
//     the rules once, by one instance; a rule it matches is nudged into an
//     immediate evaluation, locally when this instance holds the rule, otherwise
//     over Redis pub/sub (nudge.go);
//   - a ticker evaluates every held rule, so that windowed conditions resolve
//     as time passes and heartbeat and anomaly rules, which no event drives, run.
//
// Notifications (notify.go) leave the evaluation path through a bounded queue
// and are delivered by package webhook with retries.
package alerting
