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
					problem.Write(w, r, problem.New(http.StatusBadRequest, "body is not valid zstd: "+err.Error()))
					return
				}
				r.Body = http.MaxBytesReader(w, zstdCloser{zr, r.Body}, maxBytes)
				decoded(r)
			case "snappy":
				plain, p := unsnappy(r.Body, maxBytes)
				if p != nil {
					problem.Write(w, r, p)
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

// unsnappy decodes a snappy block-format body, checking the length its
// header announces against the cap before allocating it.
func unsnappy(body io.Reader, maxBytes int64) ([]byte, *problem.Problem) {
	raw, err := io.ReadAll(body)
	if err != nil {
		if TooLarge(err) {
			return nil, problem.FromError(tooLarge(maxBytes))
		}
		return nil, problem.New(http.StatusBadRequest, "read body: "+err.Error())
	}
	return Unsnappy(raw, maxBytes)
}

// Unsnappy decodes snappy block format (what Loki's and Prometheus' protobuf
// pushes are compressed with), refusing output past maxBytes: 413 past it,
// 400 for data that is not snappy.
func Unsnappy(raw []byte, maxBytes int64) ([]byte, *problem.Problem) {
	n, err := snappy.DecodedLen(raw)
	if err != nil {
		return nil, problem.New(http.StatusBadRequest, "body is not valid snappy (block format): "+err.Error())
	}
	if int64(n) > maxBytes {
		return nil, problem.FromError(tooLarge(maxBytes))
	}
	plain, err := snappy.Decode(nil, raw)
	if err != nil {
		return nil, problem.New(http.StatusBadRequest, "body is not valid snappy (block format): "+err.Error())
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
