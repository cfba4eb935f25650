package app

import (
	"context"
	"errors"
	"net/http"

	"github.com/lightwatch/lightwatch/internal/gen/ingestapi"
	"github.com/lightwatch/lightwatch/internal/impl/ingest"
	"github.com/lightwatch/lightwatch/internal/impl/loki"
	"github.com/lightwatch/lightwatch/internal/impl/otlp"
)

// protocolPrefixes are the paths of the standard ingest protocols
// (openapi/ingest.yaml, tag protocols), served beside /ingest/ behind the same
// chain: spec routing, key (Bearer or Basic), rate limit, body caps.
var protocolPrefixes = []string{"/otlp/", "/loki/"}

// protocolServer serves the ingest document: the native operations through
// the generated strict server, the standard protocols' operations through
// their hand-written handlers, since their bodies are the protocols' own
// formats (protobuf, snappy, NDJSON pairs) and their answers the protocols' own.
type protocolServer struct {
	ingestapi.ServerInterface
	otlp *otlp.Handler
	loki *loki.Handler
}

func (a *App) withProtocols(srv *ingest.Server, native ingestapi.ServerInterface) ingestapi.ServerInterface {
	return protocolServer{
		ServerInterface: native,
		otlp:            otlp.New(srv, a.metrics, a.logger, ingest.MaxBodyBytes),
		loki:            loki.New(srv, a.metrics, a.logger, ingest.MaxBodyBytes),
	}
}

func (p protocolServer) OtlpExportLogs(w http.ResponseWriter, r *http.Request, _ ingestapi.OtlpExportLogsParams) {
	p.otlp.Logs(w, r)
}

func (p protocolServer) OtlpExportMetrics(w http.ResponseWriter, r *http.Request, _ ingestapi.OtlpExportMetricsParams) {
	p.otlp.Metrics(w, r)
}

func (p protocolServer) OtlpExportTraces(w http.ResponseWriter, r *http.Request) { p.otlp.Traces(w, r) }

func (p protocolServer) LokiPush(w http.ResponseWriter, r *http.Request, _ ingestapi.LokiPushParams) {
	p.loki.Push(w, r)
}

// nativeIngest is the ingest server as the generated strict interface wants
// it. The protocol operations never reach it: protocolServer answers them
// before the strict layer.
type nativeIngest struct{ *ingest.Server }

var _ ingestapi.StrictServerInterface = nativeIngest{}

var errServedElsewhere = errors.New("a standard-protocol operation reached the strict server; protocolServer serves it")

func (nativeIngest) OtlpExportLogs(context.Context, ingestapi.OtlpExportLogsRequestObject) (ingestapi.OtlpExportLogsResponseObject, error) {
	return nil, errServedElsewhere
}

func (nativeIngest) OtlpExportMetrics(context.Context, ingestapi.OtlpExportMetricsRequestObject) (ingestapi.OtlpExportMetricsResponseObject, error) {
	return nil, errServedElsewhere
}

func (nativeIngest) OtlpExportTraces(context.Context, ingestapi.OtlpExportTracesRequestObject) (ingestapi.OtlpExportTracesResponseObject, error) {
	return nil, errServedElsewhere
}

func (nativeIngest) LokiPush(context.Context, ingestapi.LokiPushRequestObject) (ingestapi.LokiPushResponseObject, error) {
	return nil, errServedElsewhere
}
