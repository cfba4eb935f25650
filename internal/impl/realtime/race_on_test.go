//go:build race

package realtime

// raceEnabled: the race detector multiplies memory use, so the memory test
// only checks that many connections work, not what they cost.
const raceEnabled = true
