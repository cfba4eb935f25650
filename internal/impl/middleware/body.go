package middleware

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/klauspost/compress/snappy"
	"github.com/klauspost/compress/zstd"

	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// Body caps request bodies at maxBytes both as sent and after decompression,
// and decompresses Content-Encoding gzip and x-gzip, zstd (OTLP exporters
// offer it) and snappy (block format, as Prometheus remote write sends), so that everything further
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
				decoded(r)
			case "zstd":
				zr, err := zstd.NewReader(r.Body, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(maxBytes)+1))
				if err != nil {
					problem.WriteError(w, r, fault.Errorf(fault.Invalid, "body is not valid zstd: %v", err))
					return
				}
				r.Body = http.MaxBytesReader(w, zstdCloser{zr, r.Body}, maxBytes)
				decoded(r)
			case "snappy":
				plain, err := unsnappy(r.Body, maxBytes)
				if err != nil {
					problem.WriteError(w, r, err)
					return
				}
				r.Body = io.NopCloser(bytes.NewReader(plain))
				decoded(r)
			default:
				problem.WriteError(w, r, fault.Errorf(fault.Unsupported,
					"Content-Encoding %q is not supported; use gzip, zstd, snappy or none", enc))
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

// decoded marks r's body as decompressed.
func decoded(r *http.Request) {
	r.Header.Del("Content-Encoding")
	r.Header.Del("Content-Length")
	r.ContentLength = -1
}

// ReadAll reads a body that Body capped: past the cap the error is a
// TooLarge fault (413), any other failure an Invalid one (400).
func ReadAll(body io.Reader, maxBytes int64) ([]byte, error) {
	b, err := io.ReadAll(body)
	if err != nil {
		if TooLarge(err) {
			return nil, tooLarge(maxBytes)
		}
		return nil, fault.Errorf(fault.Invalid, "read body: %v", err)
	}
	return b, nil
}

// unsnappy reads and decodes a snappy block-format body.
func unsnappy(body io.Reader, maxBytes int64) ([]byte, error) {
	raw, err := ReadAll(body, maxBytes)
	if err != nil {
		return nil, err
	}
	return Unsnappy(raw, maxBytes)
}

// Unsnappy decodes snappy block format (what Loki's and Prometheus' protobuf
// pushes are compressed with), checking the length its header announces
// against maxBytes before allocating it: a TooLarge fault past it, an
// Invalid one for data that is not snappy.
func Unsnappy(raw []byte, maxBytes int64) ([]byte, error) {
	n, err := snappy.DecodedLen(raw)
	if err != nil {
		return nil, fault.Errorf(fault.Invalid, "body is not valid snappy (block format): %v", err)
	}
	if int64(n) > maxBytes {
		return nil, tooLarge(maxBytes)
	}
	plain, err := snappy.Decode(nil, raw)
	if err != nil {
		return nil, fault.Errorf(fault.Invalid, "body is not valid snappy (block format): %v", err)
	}
	return plain, nil
}

// zstdCloser reads a zstd stream and releases the decoder and the raw body.
type zstdCloser struct {
	*zstd.Decoder
	raw io.Closer
}

func (z zstdCloser) Close() error {
	z.Decoder.Close()
	return z.raw.Close()
}
