// Package console serves the web console: the built assets of web/console
// (make console), embedded so that the binary needs nothing else. Every
// process serving /api/* mounts it at "/"; its paths are relative, so it
// works behind a proxy under the same host.
package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

// csp lets the console load only itself and talk only to its own origin
// (WebSockets included); uPlot and Preact set element styles.
const csp = "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

type asset struct {
	body  []byte
	ctype string
	etag  string
}

// Handler serves index.html at "/" and the files under /assets/.
type Handler struct {
	files map[string]asset // by URL path
}

// New reads the embedded assets once.
func New() (*Handler, error) {
	h := &Handler{files: map[string]asset{}}
	err := fs.WalkDir(dist, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := dist.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = "application/octet-stream"
		}
		url := strings.TrimPrefix(p, "dist")
		if url == "/index.html" {
			url = "/"
		}
		h.files[url] = asset{body: b, ctype: ct, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read console assets: %w", err)
	}
	if _, ok := h.files["/"]; !ok {
		return nil, fmt.Errorf("console assets have no index.html: run make console")
	}
	return h, nil
}

// Mount registers the console's routes on mux.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.Handle("GET /{$}", h)
	mux.Handle("GET /assets/", h)
}

// ServeHTTP answers with an asset, revalidated by ETag on every load (the
// names carry no hash, so a new build must never be served from cache).
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := h.files[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", a.ctype)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", a.etag)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Content-Security-Policy", csp)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.body))
}
