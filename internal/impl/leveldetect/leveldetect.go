// Package leveldetect guesses a log line's level from its text, for sources
// that carry none (a Loki push without a level label, a file tailed by
// lightwatch-agent). It follows what Loki does for detected_level: a level
// field of a JSON or logfmt line first, then the first level word in the text.
package leveldetect

import (
	"encoding/json"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/event"
)

// fieldKeys are the keys a structured line names its level with, in the order tried.
var fieldKeys = []string{"level", "lvl", "severity", "loglevel", "log.level", "levelname", "severity_text"}

// Detect returns the level a line states, and false when it states none.
func Detect(line string) (event.Level, bool) {
	if l, ok := fromJSON(line); ok {
		return l, true
	}
	if len(line) > 1024 { // formats put the level near the start
		line = line[:1024]
	}
	upper := strings.ToUpper(line)
	if l, ok := fromLogfmt(line, upper); ok {
		return l, true
	}
	return fromWords(upper)
}

// fromJSON reads the level field of a line that is a JSON object.
func fromJSON(line string) (event.Level, bool) {
	s := strings.TrimSpace(line)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return "", false
	}
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if dec.Decode(&m) != nil {
		return "", false
	}
	for _, k := range fieldKeys {
		if v, ok := m[k].(string); ok {
			if l, ok := Parse(v); ok {
				return l, true
			}
		}
	}
	// {"log":{"level":"warn"}} (ECS) and the like
	if inner, ok := m["log"].(map[string]any); ok {
		if v, ok := inner["level"].(string); ok {
			return Parse(v)
		}
	}
	return "", false
}

// fromLogfmt finds level=warn (or lvl=, severity=) as a key=value pair.
func fromLogfmt(line, upper string) (event.Level, bool) {
	for _, k := range fieldKeys[:4] {
		k = strings.ToUpper(k)
		i := 0
		for {
			j := strings.Index(upper[i:], k+"=")
			if j < 0 {
				break
			}
			j += i
			if j == 0 || !isWordByte(line[j-1]) {
				v := line[j+len(k)+1:]
				v = strings.TrimLeft(v, `"'`)
				end := 0
				for end < len(v) && isWordByte(v[end]) {
					end++
				}
				if l, ok := Parse(v[:end]); ok {
					return l, true
				}
			}
			i = j + len(k) + 1
		}
	}
	return "", false
}

// words maps level words, upper-cased, to levels; tried as whole words. The
// most severe levels are looked for first, so that "error while retrying
// after warning" counts as an error.
var words = []struct {
	word  string
	level event.Level
}{
	{"FATAL", event.LevelFatal}, {"CRITICAL", event.LevelFatal}, {"CRIT", event.LevelFatal}, {"PANIC", event.LevelFatal}, {"EMERG", event.LevelFatal},
	{"ERROR", event.LevelError}, {"ERR", event.LevelError}, {"EXCEPTION", event.LevelError},
	{"WARN", event.LevelWarn}, {"WARNING", event.LevelWarn},
	{"INFO", event.LevelInfo}, {"NOTICE", event.LevelInfo},
	{"DEBUG", event.LevelDebug}, {"DBG", event.LevelDebug},
	{"TRACE", event.LevelTrace},
}

// fromWords looks for a level word standing alone (ERROR, [warn], <info>)
// in the first 256 bytes of the upper-cased line, where log formats put the level.
func fromWords(line string) (event.Level, bool) {
	if len(line) > 256 {
		line = line[:256]
	}
	best, found := "", false
	bestRank := -1
	for _, w := range words {
		if containsWord(line, w.word) && w.level.Rank() > bestRank {
			best, bestRank, found = string(w.level), w.level.Rank(), true
		}
	}
	return event.Level(best), found
}

func containsWord(s, word string) bool {
	i := 0
	for {
		j := strings.Index(s[i:], word)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(word)
		if (j == 0 || !isWordByte(s[j-1])) && (end == len(s) || !isWordByte(s[end])) {
			return true
		}
		i = j + 1
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// Parse maps a level name from a label or field, as levels are spelled in
// the wild (warn, WARNING, err, crit, notice...), to a level; false when the
// name is none of them.
func Parse(v string) (event.Level, bool) {
	if l, ok := event.ParseLevel(v); ok {
		return l, true
	}
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "err", "eror", "alert":
		return event.LevelError, true
	case "wrn", "warnings":
		return event.LevelWarn, true
	case "information", "informational", "notice", "inf":
		return event.LevelInfo, true
	case "dbg", "debug1", "debug2":
		return event.LevelDebug, true
	case "trc":
		return event.LevelTrace, true
	case "crit", "emerg", "emergency", "panic", "fatal_error":
		return event.LevelFatal, true
	}
	return "", false
}
