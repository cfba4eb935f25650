package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/rs/cors"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"

	"github.com/lightwatch/lightwatch/internal/gen/ingestapi"
	"github.com/lightwatch/lightwatch/internal/gen/queryapi"
	"github.com/lightwatch/lightwatch/internal/impl/api"
	"github.com/lightwatch/lightwatch/internal/impl/console"
	"github.com/lightwatch/lightwatch/internal/impl/contract"
	"github.com/lightwatch/lightwatch/internal/impl/middleware"
)

// apiBodyLimit caps query API bodies (rules and keys are small documents).
const apiBodyLimit = 1 << 20

// apiHandler serves /api/*: the query API behind the shared chain, plus its
// documents, Swagger UI and the web console at "/", which need no key.
func (a *App) apiHandler(mux *http.ServeMux) error {
	doc, err := queryapi.GetSpec()
	if err != nil {
		return fmt.Errorf("load api spec: %w", err)
	}
	c, err := contract.New(doc)
	if err != nil {
		return err
	}
	srv := api.New(a.store, a.logger, a.authn.Forget)
	srv.LimitRules(a.cfg.AlertRulesMax)
	srv.SealSecrets(a.secrets)
	inner := http.NewServeMux()
	queryapi.HandlerWithOptions(
		queryapi.NewStrictHandlerWithOptions(srv, nil, queryapi.StrictHTTPServerOptions{
			RequestErrorHandlerFunc:  api.RequestError,
			ResponseErrorHandlerFunc: api.ProblemHandler(a.logger),
		}),
		queryapi.StdHTTPServerOptions{BaseRouter: inner, ErrorHandlerFunc: api.RequestError},
	)
	mux.Handle("/api/", a.cors(a.guarded(c, inner, apiBodyLimit, api.RejectUnstorableText, api.ExpandShorthand, c.ValidateParams, c.ValidateJSONBody,
		api.QueryLimits(a.cfg.QueryTimeout, a.cfg.QueryConcurrency))))

	apiJSON, err := specJSON(doc)
	if err != nil {
		return err
	}
	ingestDoc, err := ingestapi.GetSpec()
	if err != nil {
		return fmt.Errorf("load ingest spec: %w", err)
	}
	ingestJSON, err := specJSON(ingestDoc)
	if err != nil {
		return err
	}
	ui, err := console.New()
	if err != nil {
		return err
	}
	ui.Mount(mux) // the web console at "/", needing no key to load (it asks for one)
	anyOrigin := len(a.cfg.CORSOrigins) > 0
	mux.Handle("GET /api/openapi.json", serveJSON(apiJSON, anyOrigin))
	mux.Handle("GET /api/openapi/ingest.json", serveJSON(ingestJSON, anyOrigin))
	mux.Handle("/api/docs/", v5emb.NewHandlerWithConfig(swgui.Config{
		Title:       "Lightwatch",
		SwaggerJSON: "/api/openapi.json",
		BasePath:    "/api/docs/",
		ShowTopBar:  true,
		SettingsUI: map[string]string{
			"urls": `[{url: "/api/openapi.json", name: "Query API"}, {url: "/api/openapi/ingest.json", name: "Ingest API"}]`,
			// No persistAuthorization: it would keep the key in the browser's
			// localStorage, readable by any script on this origin, for good.
			"defaultModelsExpandDepth": "1",
		},
	}))
	return nil
}

// cors answers preflight requests and sets the CORS headers for the
// configured origins. With none configured it adds nothing at all (rs/cors
// would read an empty list as "any origin"), so browsers on other origins are
// refused as usual.
func (a *App) cors(h http.Handler) http.Handler {
	if len(a.cfg.CORSOrigins) == 0 {
		return h
	}
	return cors.New(cors.Options{
		AllowedOrigins:   a.cfg.CORSOrigins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete},
		AllowedHeaders:   []string{"Authorization", "Content-Type", "Content-Encoding", middleware.RequestIDHeader},
		ExposedHeaders:   []string{"Location", "Retry-After", middleware.RequestIDHeader},
		MaxAge:           int((10 * time.Minute).Seconds()),
		AllowCredentials: false, // keys travel in Authorization, never in cookies
	}).Handler(h)
}

func specJSON(doc *openapi3.T) ([]byte, error) {
	doc.Servers = openapi3.Servers{{URL: "/"}}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("encode spec: %w", err)
	}
	return b, nil
}

// serveJSON serves a public document; with CORS on (anyOrigin), any
// browser tool may load it, since it holds nothing secret.
func serveJSON(b []byte, anyOrigin bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if anyOrigin {
			w.Header().Set("Access-Control-Allow-Origin", "*")
		}
		_, _ = w.Write(b)
	})
}
