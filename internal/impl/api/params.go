package api

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lightwatch/lightwatch/internal/impl/contract"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

const (
	defaultLimit = 100
	maxRange     = 31 * 24 * time.Hour // the longest time range one query may span
)

// badParam is a 400 naming one query parameter.
func badParam(name, msg string) *problem.Problem {
	p := problem.New(http.StatusBadRequest, "query."+name+": "+msg)
	p.Errors = []problem.FieldError{{Field: "query." + name, Message: msg}}
	return p
}

// timeRange applies the defaults (to = now, from = to - def) and checks the range.
func timeRange(from, to *time.Time, now time.Time, def time.Duration) (time.Time, time.Time, error) {
	t := now.UTC()
	if to != nil {
		t = to.UTC()
	}
	f := t.Add(-def)
	if from != nil {
		f = from.UTC()
	}
	if !f.Before(t) {
		return f, t, badParam("from", "must be before to")
	}
	if t.Sub(f) > maxRange {
		return f, t, badParam("from", "the range may span at most 31 days")
	}
	return f, t, nil
}

func limitOf(l *int) int {
	if l == nil {
		return defaultLimit
	}
	return *l
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// pairs parses repeated key=value parameters into a map.
func pairs(name string, values *[]string) (map[string]string, error) {
	if values == nil || len(*values) == 0 {
		return nil, nil
	}
	out := make(map[string]string, len(*values))
	for _, v := range *values {
		k, val, ok := strings.Cut(v, "=")
		if !ok || k == "" {
			return nil, badParam(name, "want key=value, got "+strconv.Quote(v))
		}
		out[k] = val
	}
	return out, nil
}

// RejectUnstorableText answers 400 naming the parameter when a query
// parameter's value is not valid UTF-8 or holds a NUL: no store can search
// such text (SQLite's FTS and MongoDB refuse it), and a 503 would make
// clients retry forever. It runs before ExpandShorthand, so that the name is
// the one the client sent (attr.<key>).
func RejectUnstorableText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			problem.Write(w, r, problem.New(http.StatusBadRequest, "query string: "+err.Error()))
			return
		}
		for name, vs := range q {
			declared := name
			for _, prefix := range []string{"attr.", "label."} {
				if strings.HasPrefix(name, prefix) {
					declared = strings.TrimSuffix(prefix, ".")
				}
			}
			if !contract.DeclaresQuery(r, declared) {
				continue // ignored further in; and the operation may declare no 400
			}
			for _, v := range append([]string{name}, vs...) {
				if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
					field := name
					if !utf8.ValidString(field) || strings.ContainsRune(field, 0) {
						field = strconv.QuoteToASCII(field)
					}
					problem.Write(w, r, badParam(field, "must be UTF-8 text without NUL characters"))
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// ExpandShorthand rewrites the query shorthands attr.<key>=<value> and
// label.<key>=<value> into the spec's repeatable attr=<key>=<value> and
// label=<key>=<value>, so that everything further in (validation, binding)
// sees one form.
func ExpandShorthand(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.RawQuery, "attr.") && !strings.Contains(r.URL.RawQuery, "label.") {
			next.ServeHTTP(w, r)
			return
		}
		q := r.URL.Query()
		changed := false
		for k, vs := range q {
			for _, prefix := range []string{"attr.", "label."} {
				if key, ok := strings.CutPrefix(k, prefix); ok && key != "" {
					for _, v := range vs {
						q.Add(strings.TrimSuffix(prefix, "."), key+"="+v)
					}
					q.Del(k)
					changed = true
				}
			}
		}
		if changed {
			r2 := r.Clone(r.Context())
			r2.URL.RawQuery = q.Encode()
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}
