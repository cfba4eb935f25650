package contract

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// ValidateJSONBody validates JSON request bodies against their operation's
// schema, listing every invalid field (body.filter.name: ...): 415 for a
// body that is not JSON, 400 for malformed JSON or invalid fields, 413 past
// the body cap. It suits documents whose bodies are small single objects (the
// query API); ingest validates event by event itself. The body is left in
// place for the handler to decode.
func (s *Spec) ValidateJSONBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, ok := r.Context().Value(routeCtx{}).(matched)
		if !ok || m.route.Operation.RequestBody == nil || m.route.Operation.RequestBody.Value == nil {
			next.ServeHTTP(w, r)
			return
		}
		mt := m.route.Operation.RequestBody.Value.Content.Get("application/json")
		if mt == nil || mt.Schema == nil {
			next.ServeHTTP(w, r)
			return
		}
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
			problem.Write(w, r, problem.New(http.StatusUnsupportedMediaType, "Content-Type must be application/json"))
			return
		}
		raw, err := io.ReadAll(r.Body)
		if err != nil {
			if middleware.TooLarge(err) {
				problem.Write(w, r, problem.New(http.StatusRequestEntityTooLarge, "body too large"))
				return
			}
			problem.Write(w, r, problem.New(http.StatusBadRequest, "read body: "+err.Error()))
			return
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			problem.Write(w, r, problem.New(http.StatusBadRequest, "malformed JSON body: "+err.Error()))
			return
		}
		name := strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
		schema, err := s.EventSchema(name)
		if err != nil {
			panic("contract: request body schema must be a component: " + err.Error()) // a spec bug every test hits
		}
		if errs := schema.Validate("body", v); errs != nil {
			msgs := make([]string, len(errs))
			for i, e := range errs {
				msgs[i] = e.Field + ": " + e.Message
			}
			p := problem.New(http.StatusBadRequest, strings.Join(msgs, "; "))
			p.Title, p.Errors = "Invalid body", errs
			problem.Write(w, r, p)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		next.ServeHTTP(w, r)
	})
}
