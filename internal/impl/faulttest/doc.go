// Package faulttest holds the fault-injection suite: it starts the real
// lightwatch binary (built once per run) and a real redis-server, puts them
// under sustained ingest, injects a fault (Redis killed and restarted, the
// server killed with SIGKILL and restarted) and checks, through the HTTP API
// alone, that every acknowledged event is stored exactly once and that ingest
// answered nothing but 202 where the fault should not have reached it. Each
// test logs its figures: events sent, acknowledged, found and duplicates.
package faulttest
