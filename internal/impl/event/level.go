package event

import "strings"

// Level is a log level, ordered from least to most severe.
type Level string

// The log levels, least severe first.
const (
	LevelTrace Level = "trace"
	LevelDebug Level = "debug"
	LevelInfo  Level = "info"
	LevelWarn  Level = "warn"
	LevelError Level = "error"
	LevelFatal Level = "fatal"
)

// Levels lists the levels, least severe first.
var Levels = [...]Level{LevelTrace, LevelDebug, LevelInfo, LevelWarn, LevelError, LevelFatal}

// levelAliases maps the spellings the spec accepts besides the canonical ones
// (compared in lower case) to the canonical level.
var levelAliases = map[string]Level{
	"trace": LevelTrace, "debug": LevelDebug, "info": LevelInfo, "warn": LevelWarn,
	"warning": LevelWarn, "error": LevelError, "fatal": LevelFatal, "critical": LevelFatal,
}

// ParseLevel normalizes a level case-insensitively, with the aliases
// "warning" → warn and "critical" → fatal. ok is false for anything else.
func ParseLevel(s string) (l Level, ok bool) {
	l, ok = levelAliases[strings.ToLower(s)]
	return l, ok
}

// Rank orders levels: trace is 0, fatal is 5; unknown levels rank -1.
func (l Level) Rank() int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return -1
}

// Severity is a security event's severity, ordered from low to critical.
type Severity string

// The severities, least severe first.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Severities lists the severities, least severe first.
var Severities = [...]Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}

// ParseSeverity normalizes a severity case-insensitively; ok is false for anything else.
func ParseSeverity(s string) (Severity, bool) {
	v := Severity(strings.ToLower(s))
	return v, v.Rank() >= 0
}

// Rank orders severities: low is 0, critical is 3; unknown severities rank -1.
func (s Severity) Rank() int {
	for i, x := range Severities {
		if x == s {
			return i
		}
	}
	return -1
}
