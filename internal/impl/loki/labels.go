package loki

import (
	"fmt"
	"strconv"
	"strings"
)

// parseLabels parses a stream's labels as Promtail and Alloy send them in
// protobuf pushes: a Prometheus label set, {job="varlogs", host="web-1"}, with
// Go-style escapes in the values.
func parseLabels(s string) (map[string]string, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, fmt.Errorf("labels %q: want {name=\"value\", ...}", s)
	}
	s = strings.TrimSpace(s[1 : len(s)-1])
	out := map[string]string{}
	for s != "" {
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("labels: expected name=\"value\" at %q", s)
		}
		name := strings.TrimSpace(s[:eq])
		if !validName(name) {
			return nil, fmt.Errorf("labels: invalid label name %q", name)
		}
		rest := strings.TrimLeft(s[eq+1:], " ")
		if !strings.HasPrefix(rest, `"`) {
			return nil, fmt.Errorf("labels: the value of %s is not quoted", name)
		}
		end := closingQuote(rest)
		if end < 0 {
			return nil, fmt.Errorf("labels: the value of %s has no closing quote", name)
		}
		v, err := strconv.Unquote(rest[:end+1])
		if err != nil {
			return nil, fmt.Errorf("labels: the value of %s: %w", name, err)
		}
		out[name] = v
		s = strings.TrimSpace(rest[end+1:])
		if strings.HasPrefix(s, ",") {
			s = strings.TrimSpace(s[1:])
		} else if s != "" {
			return nil, fmt.Errorf("labels: expected , after %s", name)
		}
	}
	return out, nil
}

// closingQuote is the index of the quote closing the string s starts with.
func closingQuote(s string) int {
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

func validName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}
