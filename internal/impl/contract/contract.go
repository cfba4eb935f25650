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
	"strings"

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
			w.Header().Set("Allow", strings.Join(s.allowed(r), ", ")) // RFC 9110 requires it with 405
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

// operationMethods are the methods an OpenAPI path item can have operations for.
var operationMethods = []string{
	http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete,
	http.MethodOptions, http.MethodHead, http.MethodPatch, http.MethodTrace,
}

// allowed lists the methods the document has operations for at r's path.
func (s *Spec) allowed(r *http.Request) []string {
	var out []string
	for _, m := range operationMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, _, err := s.router.FindRoute(probe); err == nil {
			out = append(out, m)
		}
	}
	return out
}

// ForBody applies mw (body caps, decoding) only to requests whose operation
// takes a body. The others' bodies are dropped unread: an operation the
// document gives no body cannot fail for the size or encoding of one.
func ForBody(mw middleware.Middleware) middleware.Middleware {
	return func(next http.Handler) http.Handler {
		withBody := mw(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if m, ok := r.Context().Value(routeCtx{}).(matched); ok && m.route.Operation.RequestBody != nil {
				withBody.ServeHTTP(w, r)
				return
			}
			r.Body, r.ContentLength = http.NoBody, 0
			next.ServeHTTP(w, r)
		})
	}
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

// AllowsBasic tells whether the request's operation accepts HTTP Basic
// credentials: its security lists the basicAuth scheme.
func AllowsBasic(r *http.Request) bool {
	m, ok := r.Context().Value(routeCtx{}).(matched)
	if !ok || m.route.Operation.Security == nil {
		return false
	}
	for _, req := range *m.route.Operation.Security {
		if _, ok := req["basicAuth"]; ok {
			return true
		}
	}
	return false
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

// DeclaresQuery reports whether the request's operation (see Route) has a
// query parameter of that name; without a matched operation, false.
func DeclaresQuery(r *http.Request, name string) bool {
	m, ok := r.Context().Value(routeCtx{}).(matched)
	if !ok {
		return false
	}
	return m.route.Operation.Parameters.GetByInAndName(openapi3.ParameterInQuery, name) != nil ||
		m.route.PathItem.Parameters.GetByInAndName(openapi3.ParameterInQuery, name) != nil
}
