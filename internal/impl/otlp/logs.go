package otlp

import (
	"encoding/json"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/lightwatch/lightwatch/internal/impl/event"
	"github.com/lightwatch/lightwatch/internal/impl/ingestproto"
	"github.com/lightwatch/lightwatch/internal/impl/leveldetect"
)

// UnknownService is the service of records whose resource names none, as
// the OpenTelemetry SDKs name it (unknown_service, or
// unknown_service:<process.executable.name>).
const UnknownService = "unknown_service"

// Attribute names the mapping reads (OpenTelemetry semantic conventions).
const (
	attrServiceName = "service.name"
	attrHostName    = "host.name"
	attrExecutable  = "process.executable.name"
	attrRecordUID   = "log.record.uid"
)

// rejection is a record left out while mapping, before the pipeline sees it.
type rejection struct{ reason, message string }

// mapLogs turns an OTLP logs request into native LogEvent records. Records
// that cannot become events are returned as rejections (counted, and reported
// in partial_success), never dropped silently.
func mapLogs(ld plog.Logs) (records []map[string]any, rejected []rejection) {
	rls := ld.ResourceLogs()
	for i := 0; i < rls.Len(); i++ {
		rl := rls.At(i)
		res := rl.Resource().Attributes()
		service, host := resourceService(res), str(res, attrHostName)
		sls := rl.ScopeLogs()
		for j := 0; j < sls.Len(); j++ {
			sl := sls.At(j)
			scope := sl.Scope()
			lrs := sl.LogRecords()
			for k := 0; k < lrs.Len(); k++ {
				rec, rej := mapLogRecord(lrs.At(k), res, scope, service, host)
				if rej != nil {
					rejected = append(rejected, *rej)
					continue
				}
				records = append(records, rec)
			}
		}
	}
	return records, rejected
}

func mapLogRecord(lr plog.LogRecord, res pcommon.Map, scope pcommon.InstrumentationScope, service, host string) (map[string]any, *rejection) {
	msg := bodyText(lr.Body())
	if msg == "" && lr.EventName() != "" {
		msg = lr.EventName()
	}
	if msg == "" {
		return nil, &rejection{"empty_body", "log record has an empty body and no event name"}
	}
	var attrs ingestproto.Attrs
	res.Range(func(k string, v pcommon.Value) bool {
		if k != attrServiceName && k != attrHostName {
			attrs.Set(k, v.AsRaw())
		}
		return true
	})
	if scope.Name() != "" {
		attrs.Set("otel.scope.name", scope.Name())
	}
	if scope.Version() != "" {
		attrs.Set("otel.scope.version", scope.Version())
	}
	scope.Attributes().Range(func(k string, v pcommon.Value) bool { attrs.Set(k, v.AsRaw()); return true })
	lr.Attributes().Range(func(k string, v pcommon.Value) bool { attrs.Set(k, v.AsRaw()); return true })
	if lr.EventName() != "" {
		attrs.Set("otel.event_name", lr.EventName())
	}
	if len(msg) > ingestproto.MaxMessage {
		msg = ingestproto.Truncate(msg, ingestproto.MaxMessage)
		attrs.Set("lightwatch.truncated", true)
	}
	rec := map[string]any{
		"service": service,
		"level":   string(level(lr, msg)),
		"message": msg,
	}
	if host != "" {
		rec["host"] = ingestproto.Truncate(host, ingestproto.MaxHost)
	}
	ts := lr.Timestamp()
	if ts == 0 {
		ts = lr.ObservedTimestamp()
	}
	if s := ingestproto.Timestamp(ts.AsTime()); s != "" {
		rec["ts"] = s
	}
	if id := lr.TraceID(); !id.IsEmpty() {
		rec["trace_id"] = id.String()
	}
	if id := lr.SpanID(); !id.IsEmpty() {
		rec["span_id"] = id.String()
	}
	if uid, ok := lr.Attributes().Get(attrRecordUID); ok && ingestproto.ValidID(uid.AsString()) {
		rec["id"] = uid.AsString()
	}
	if m := attrs.Map(); m != nil {
		rec["attrs"] = m
	}
	return rec, nil
}

// resourceService is service.name, else OpenTelemetry's fallback.
func resourceService(res pcommon.Map) string {
	if s := ingestproto.Service(str(res, attrServiceName)); s != "" {
		return s
	}
	if exe := ingestproto.Service(str(res, attrExecutable)); exe != "" {
		return ingestproto.Truncate(UnknownService+":"+exe, ingestproto.MaxService)
	}
	return UnknownService
}

func str(m pcommon.Map, k string) string {
	if v, ok := m.Get(k); ok {
		return v.AsString()
	}
	return ""
}

// bodyText is a string body as is, any other body as JSON.
func bodyText(v pcommon.Value) string {
	switch v.Type() {
	case pcommon.ValueTypeEmpty:
		return ""
	case pcommon.ValueTypeStr:
		return v.Str()
	case pcommon.ValueTypeMap, pcommon.ValueTypeSlice:
		b, err := json.Marshal(v.AsRaw())
		if err != nil {
			return v.AsString()
		}
		return string(b)
	default:
		return v.AsString()
	}
}

// level is severity_text when it names a level, else severity_number's range
// (OpenTelemetry's log data model: 1-4 trace ... 21-24 fatal), else what the
// body says (leveldetect), else info.
func level(lr plog.LogRecord, msg string) event.Level {
	if l, ok := leveldetect.Parse(lr.SeverityText()); ok {
		return l
	}
	switch n := lr.SeverityNumber(); {
	case n >= 21:
		return event.LevelFatal
	case n >= 17:
		return event.LevelError
	case n >= 13:
		return event.LevelWarn
	case n >= 9:
		return event.LevelInfo
	case n >= 5:
		return event.LevelDebug
	case n >= 1:
		return event.LevelTrace
	}
	if l, ok := leveldetect.Detect(msg); ok {
		return l
	}
	return event.LevelInfo
}
