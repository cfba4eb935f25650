// Package ingestproto holds what every standard-protocol ingest endpoint
// (OTLP, Loki push, Elasticsearch bulk, Prometheus remote write) shares: the
// pipeline they hand mapped records to, the limits of the native event
// schema that mapped records must fit in (truncating where a shipper would
// rather lose the end of a value than the record), the tenant header check and
// the count of records that could not be mapped.
package ingestproto

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/ingest"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
	"github.com/lightwatch/lightwatch/internal/impl/telemetry"
)

// Sink is the native ingest pipeline; *ingest.Server is the one in use. Its
// error (nothing stored) is a fault the handlers answer as it says (503).
type Sink interface {
	SubmitRecords(ctx context.Context, kind event.Kind, tenant string, records []map[string]any) (ingest.RecordsResult, error)
}

// Limits of the native event schema (openapi/ingest.yaml) that mapped records are made to fit.
const (
	MaxMessage    = 65536
	MaxAttrValue  = 2048
	MaxAttrs      = 64
	MaxService    = 128
	MaxHost       = 255
	MaxLabels     = 32
	MaxLabelValue = 256
	MaxMetricName = 200
)

// Rejected counts n records of protocol not stored for reason (a short
// snake_case phrase: invalid_record, unsupported_metric_type, ...).
func Rejected(m *telemetry.Metrics, protocol, reason string, n int) {
	if n > 0 {
		m.ProtocolRejected.WithLabelValues(protocol, reason).Add(float64(n))
	}
}

// Tenant returns the tenant of the request's key, after checking the
// X-Scope-OrgID header Loki, Mimir and their shippers send: it may be absent
// or equal to the key's tenant; anything else is a 403 problem, since the
// tenant always comes from the key.
func Tenant(r *http.Request) (string, *problem.Problem) {
	key, _ := apikey.FromContext(r.Context()) // middleware.Auth guarantees it
	if org := strings.TrimSpace(r.Header.Get("X-Scope-OrgID")); org != "" && org != key.Tenant {
		return "", problem.New(http.StatusForbidden, fmt.Sprintf(
			"X-Scope-OrgID %q is not the tenant of the API key; the tenant comes from the key: omit the header or send the key's tenant", org))
	}
	return key.Tenant, nil
}

// ReadBody reads the whole (already size-capped and decompressed) body; the
// problem is 413 past the cap, 400 otherwise.
func ReadBody(r *http.Request, maxBytes int64) ([]byte, *problem.Problem) {
	b, err := middleware.ReadAll(r.Body, maxBytes)
	if err != nil {
		return nil, problem.FromError(err)
	}
	return b, nil
}

// validID is the native EventID pattern (openapi/ingest.yaml).
var validID = regexp.MustCompile(`^[A-Za-z0-9._:\-]{1,128}$`)

// ValidID reports whether a protocol's own record id (an OTLP log.record.uid,
// an Elasticsearch _id) fits the native event id, so that it can be the
// event's id and a re-sent record is stored once.
func ValidID(s string) bool { return validID.MatchString(s) }

// IsHex reports whether s is n hex digits: a W3C trace id (32) or span id (16).
func IsHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// Truncate cuts s to at most n bytes on a rune boundary.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Service makes a service name fit the schema (no white space, 1 to 128
// characters); "" stays "" for the caller to default.
func Service(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsFunc(s, isSpace) {
		s = strings.Join(strings.FieldsFunc(s, isSpace), "_")
	}
	return Truncate(s, MaxService)
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0xA0
}

// MetricName makes an OpenTelemetry or other metric name fit the schema's
// Prometheus-style pattern, as Prometheus' OTLP translation does: characters
// outside [a-zA-Z0-9_:.] become _, and a leading digit gets a _ prefix.
func MetricName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c == '_' || c == ':' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	out := string(b)
	if out != "" && (out[0] >= '0' && out[0] <= '9' || out[0] == '.') {
		out = "_" + out
	}
	if len(out) > MaxMetricName {
		out = out[:MaxMetricName]
	}
	return out
}

// Timestamp formats t for a record's ts, or "" (the server's receive time)
// for the zero time and times outside the years the store can keep.
func Timestamp(t time.Time) string {
	if t.IsZero() || t.Year() < 1678 || t.Year() > 2261 || t.Unix() <= 0 {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Attrs collects a record's attributes within the schema's limits: scalar
// values only (nested maps are flattened to dotted keys, lists become JSON),
// strings cut to 2,048 bytes, at most 64 keys; one more attribute,
// lightwatch.dropped_attributes, counts any left out.
type Attrs struct {
	m       map[string]any
	dropped int
}

// Set adds key = v, flattening maps under key.
func (a *Attrs) Set(key string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, inner := range x {
			a.Set(key+"."+k, inner)
		}
		return
	case nil:
		return
	}
	if a.m == nil {
		a.m = make(map[string]any, 8)
	}
	if _, ok := a.m[key]; !ok && len(a.m) >= MaxAttrs-1 {
		a.dropped++
		return
	}
	a.m[key] = scalar(v)
}

// Has reports whether key is set.
func (a *Attrs) Has(key string) bool { _, ok := a.m[key]; return ok }

// Map returns the attributes for a record's attrs, nil when there are none.
func (a *Attrs) Map() map[string]any {
	if a.dropped > 0 {
		a.m["lightwatch.dropped_attributes"] = float64(a.dropped)
	}
	if len(a.m) == 0 {
		return nil
	}
	return a.m
}

func scalar(v any) any {
	switch x := v.(type) {
	case string:
		return Truncate(x, MaxAttrValue)
	case bool:
		return x
	case float64:
		return x
	case float32:
		return float64(x)
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case json.Number:
		if f, err := x.Float64(); err == nil {
			return f
		}
		return Truncate(x.String(), MaxAttrValue)
	case []byte:
		return Truncate(fmt.Sprintf("%x", x), MaxAttrValue)
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return Truncate(fmt.Sprint(x), MaxAttrValue)
		}
		return Truncate(string(b), MaxAttrValue)
	}
}

// Labels makes a metric record's labels map, values cut to 256 bytes; ok is
// false when there are more than 32 (cutting some would merge series).
func Labels(in map[string]string) (map[string]any, bool) {
	if len(in) > MaxLabels {
		return nil, false
	}
	if len(in) == 0 {
		return nil, true
	}
	out := make(map[string]any, len(in))
	for k, v := range in {
		out[k] = Truncate(v, MaxLabelValue)
	}
	return out, true
}

// SampleID is a metric sample's id derived from what identifies it (series
// and time), so that a re-sent sample is stored once: protocols that carry
// samples (OTLP metrics, remote write) are retried by their senders.
func SampleID(name, service, host string, labels map[string]string, ts time.Time) string {
	h := sha256.New()
	write := func(s string) { _, _ = io.WriteString(h, s); _, _ = h.Write([]byte{0}) }
	write(name)
	write(service)
	write(host)
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		write(k)
		write(labels[k])
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(ts.UnixNano()))
	_, _ = h.Write(b[:])
	return "s" + hex.EncodeToString(h.Sum(nil)[:16])
}
