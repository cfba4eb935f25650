package app

import (
	"net/http"

	"github.com/lightwatch/lightwatch/internal/gen/ingestapi"
	"github.com/lightwatch/lightwatch/internal/impl/esbulk"
	"github.com/lightwatch/lightwatch/internal/impl/ingest"
	"github.com/lightwatch/lightwatch/internal/impl/loki"
	"github.com/lightwatch/lightwatch/internal/impl/otlp"
)

// protocolPrefixes are the paths of the standard ingest protocols
// (openapi/ingest.yaml, tag protocols), served beside /ingest/ behind the same
// chain: spec routing, key (Bearer or Basic), rate limit, body caps.
var protocolPrefixes = []string{"/otlp/", "/loki/", "/es/"}

// protocolServer serves the ingest document: the native operations through
// the generated strict server, the standard protocols' operations through
// their hand-written handlers, since their bodies are the protocols' own
// formats (protobuf, snappy, NDJSON pairs) and their answers the protocols' own.
type protocolServer struct {
	ingestapi.ServerInterface
	otlp *otlp.Handler
	loki *loki.Handler
	es   *esbulk.Handler
}

func (a *App) withProtocols(srv *ingest.Server, native ingestapi.ServerInterface) ingestapi.ServerInterface {
	return protocolServer{
		ServerInterface: native,
		otlp:            otlp.New(srv, a.metrics, ingest.MaxBodyBytes),
		loki:            loki.New(srv, a.metrics, ingest.MaxBodyBytes),
		es:              esbulk.New(srv, a.metrics, ingest.MaxBodyBytes),
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

func (p protocolServer) EsInfo(w http.ResponseWriter, r *http.Request)    { p.es.Info(w, r) }
func (p protocolServer) EsPing(w http.ResponseWriter, r *http.Request)    { p.es.Ping(w, r) }
func (p protocolServer) EsLicense(w http.ResponseWriter, r *http.Request) { p.es.License(w, r) }

func (p protocolServer) EsBulk(w http.ResponseWriter, r *http.Request, _ ingestapi.EsBulkParams) {
	p.es.Bulk(w, r, "")
}

func (p protocolServer) EsIndexBulk(w http.ResponseWriter, r *http.Request, index string, _ ingestapi.EsIndexBulkParams) {
	p.es.Bulk(w, r, index)
}

func (p protocolServer) EsBulkPut(w http.ResponseWriter, r *http.Request, _ ingestapi.EsBulkPutParams) {
	p.es.Bulk(w, r, "")
}

func (p protocolServer) EsGetIlmPolicy(w http.ResponseWriter, r *http.Request, name string) {
	p.es.ILMPolicy(w, r, name)
}

func (p protocolServer) EsPutIlmPolicy(w http.ResponseWriter, r *http.Request, _ string) {
	p.es.Acknowledge(w, r)
}

func (p protocolServer) EsGetIndexTemplate(w http.ResponseWriter, r *http.Request, name string) {
	p.es.IndexTemplate(w, r, name)
}

func (p protocolServer) EsHasIndexTemplate(w http.ResponseWriter, r *http.Request, _ string) {
	p.es.Exists(w, r)
}

func (p protocolServer) EsPutIndexTemplate(w http.ResponseWriter, r *http.Request, _ string) {
	p.es.Acknowledge(w, r)
}

// nativeIngest is the ingest server as the generated strict interface wants
// it. The protocol operations never reach it (protocolServer answers them
// before the strict layer); they are promoted from a nil interface one level
// deeper than the native ones, so that none needs a stub.
type nativeIngest struct {
	*ingest.Server
	servedByProtocols
}

type servedByProtocols struct {
	ingestapi.StrictServerInterface
}

var _ ingestapi.StrictServerInterface = nativeIngest{}
