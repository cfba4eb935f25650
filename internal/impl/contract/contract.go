// Package contract enforces an OpenAPI document on requests: it finds each
// request's operation, tells which scope the operation needs (the spec's
// x-lightwatch-scope), validates parameters with kin-openapi, and validates
// event bodies against the spec's schemas listing every invalid field.
package contract

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/lightwatch/lightwatch/internal/impl/apikey"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// Spec is a loaded OpenAPI document ready to route and validate requests.
type Spec struct {
	doc    *openapi3.T
	router routers.Router
}

// New prepares doc. Its servers are dropped, so that routing ignores the Host
// header: one document serves behind any proxy or port.
func New(doc *openapi3.T) (*Spec, error) {
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("build router for %q: %w", doc.Info.Title, err)
	}
	return &Spec{doc: doc, router: router}, nil
}

// Doc returns the document.
func (s *Spec) Doc() *openapi3.T { return s.doc }

type routeCtx struct{}

type matched struct {
	route  *routers.Route
	params map[string]string
}

// Route finds the request's operation and remembers it for the layers further
// in; 404 or 405 problems when the document has none.
func (s *Spec) Route(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, params, err := s.router.FindRoute(r)
		switch {
		case errors.Is(err, routers.ErrMethodNotAllowed):
			problem.Write(w, r, problem.New(http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path))
			return
		case err != nil:
			problem.Write(w, r, problem.New(http.StatusNotFound, "no operation at "+r.URL.Path))
			return
		}
		middleware.InfoFrom(r.Context()).Route = route.Path
		ctx := context.WithValue(r.Context(), routeCtx{}, matched{route, params})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Scope is a middleware.ScopeFunc: the x-lightwatch-scope of the request's operation.
func Scope(r *http.Request) (apikey.Scope, bool) {
	m, ok := r.Context().Value(routeCtx{}).(matched)
	if !ok {
		return "", false
	}
	v, ok := m.route.Operation.Extensions["x-lightwatch-scope"].(string)
	return apikey.Scope(v), ok
}

// ValidateParams validates the request's path, query and header parameters
// against its operation; bodies are validated by the handlers, which know how
// to split a batch and report every invalid event (see Events). Security is
// left to middleware.Auth, which has already run.
func (s *Spec) ValidateParams(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m, ok := r.Context().Value(routeCtx{}).(matched)
		if !ok {
			panic("contract: ValidateParams without Route") // wiring bug, caught by every test
		}
		err := validateParams(r, m)
		if err != nil {
			problem.Write(w, r, paramProblem(err))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// validateParams is openapi3filter.ValidateRequest without its security and
// body steps: its security step reads the whole body into memory even when no
// check needs it, and both are done elsewhere here.
func validateParams(r *http.Request, m matched) error {
	input := &openapi3filter.RequestValidationInput{
		Request: r, PathParams: m.params, Route: m.route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	opParams := m.route.Operation.Parameters
	for _, ref := range m.route.PathItem.Parameters {
		if opParams.GetByInAndName(ref.Value.In, ref.Value.Name) != nil {
			continue // the operation overrides it
		}
		if err := openapi3filter.ValidateParameter(r.Context(), input, ref.Value); err != nil {
			return err
		}
	}
	for _, ref := range opParams {
		if err := openapi3filter.ValidateParameter(r.Context(), input, ref.Value); err != nil {
			return err
		}
	}
	return nil
}

func paramProblem(err error) *problem.Problem {
	p := problem.New(http.StatusBadRequest, "invalid request")
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Parameter != nil {
		msg := re.Reason
		if msg == "" && re.Err != nil {
			msg = re.Err.Error()
		}
		var se *openapi3.SchemaError
		if errors.As(re.Err, &se) {
			msg = se.Reason
		}
		field := re.Parameter.In + "." + re.Parameter.Name
		p.Detail = field + ": " + msg
		p.Errors = []problem.FieldError{{Field: field, Message: msg}}
		return p
	}
	p.Detail = err.Error()
	return p
}
