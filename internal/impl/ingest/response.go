package ingest

import (
	"encoding/json"
	"net/http"

	"github.com/lightwatch/lightwatch/internal/gen/ingestapi"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// response is what every ingest operation answers: the four operations share
// their statuses and bodies, so one type implements all four generated
// response interfaces. Tests check every answer against the spec.
type response interface {
	ingestapi.IngestLogsResponseObject
	ingestapi.IngestMetricsResponseObject
	ingestapi.IngestSecurityEventsResponseObject
	ingestapi.IngestHeartbeatsResponseObject
}

type acceptedResponse ingestapi.IngestResult

func (a acceptedResponse) write(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	return json.NewEncoder(w).Encode(ingestapi.IngestResult(a))
}

func (a acceptedResponse) VisitIngestLogsResponse(w http.ResponseWriter) error    { return a.write(w) }
func (a acceptedResponse) VisitIngestMetricsResponse(w http.ResponseWriter) error { return a.write(w) }
func (a acceptedResponse) VisitIngestSecurityEventsResponse(w http.ResponseWriter) error {
	return a.write(w)
}
func (a acceptedResponse) VisitIngestHeartbeatsResponse(w http.ResponseWriter) error {
	return a.write(w)
}

type problemResponse struct{ p *problem.Problem }

func (p problemResponse) write(w http.ResponseWriter) error {
	problem.Write(w, nil, p.p)
	return nil
}

func (p problemResponse) VisitIngestLogsResponse(w http.ResponseWriter) error    { return p.write(w) }
func (p problemResponse) VisitIngestMetricsResponse(w http.ResponseWriter) error { return p.write(w) }
func (p problemResponse) VisitIngestSecurityEventsResponse(w http.ResponseWriter) error {
	return p.write(w)
}
func (p problemResponse) VisitIngestHeartbeatsResponse(w http.ResponseWriter) error {
	return p.write(w)
}
