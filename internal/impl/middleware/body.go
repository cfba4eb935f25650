package middleware

import (
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// Body caps request bodies at maxBytes both as sent and after decompression,
// and decompresses Content-Encoding gzip and x-gzip, so that everything further
// in reads plain bytes and cannot be made to read without limit (a gzip bomb).
// Reading past a cap fails with *http.MaxBytesError, which handlers answer 413.
// Any other Content-Encoding is answered 415.
func Body(maxBytes int64) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.ContentLength > maxBytes {
				problem.WriteError(w, r, tooLarge(maxBytes))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxBytes)
			switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
			case "", "identity":
			case "gzip", "x-gzip":
				zr, err := gzip.NewReader(r.Body)
				if err != nil {
					var tooBig *http.MaxBytesError
					if errors.As(err, &tooBig) {
						problem.WriteError(w, r, tooLarge(maxBytes))
						return
					}
					problem.WriteError(w, r, fault.Errorf(fault.Invalid, "body is not valid gzip: %v", err))
					return
				}
				r.Body = http.MaxBytesReader(w, readCloser{zr, r.Body}, maxBytes)
				r.Header.Del("Content-Encoding")
				r.Header.Del("Content-Length")
				r.ContentLength = -1
			default:
				problem.WriteError(w, r, fault.Errorf(fault.Unsupported,
					"Content-Encoding %q is not supported; use gzip or none", enc))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// TooLarge reports whether err comes from reading past a body cap.
func TooLarge(err error) bool {
	var tooBig *http.MaxBytesError
	return errors.As(err, &tooBig)
}

func tooLarge(maxBytes int64) error {
	return fault.Errorf(fault.TooLarge, "body exceeds %d bytes (compressed or decompressed)", maxBytes)
}

// readCloser reads the decompressed stream and closes both it and the raw body.
type readCloser struct {
	io.Reader
	raw io.Closer
}

func (rc readCloser) Close() error {
	if c, ok := rc.Reader.(io.Closer); ok {
		_ = c.Close()
	}
	return rc.raw.Close()
}
