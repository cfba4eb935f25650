package middleware

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/lightwatch/lightwatch/internal/impl/fault"
	"github.com/lightwatch/lightwatch/internal/impl/problem"
)

// Query refuses a malformed query string with a 400 naming the parameter.
// Go's URL.Query drops a pair it cannot decode (bad percent-encoding such as
// service=%zz, or a semicolon) without a word, so a filter the client meant
// would silently not apply and the answer would be unfiltered.
func Query(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := CheckQuery(r.URL.RawQuery); err != nil {
			problem.WriteError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// CheckQuery returns an Invalid *fault.Error naming the first parameter of
// raw that url.ParseQuery would drop, or nil.
func CheckQuery(raw string) error {
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k // as sent: it cannot be decoded
		}
		switch {
		case strings.Contains(pair, ";"):
			name, _, _ = strings.Cut(name, ";")
			return fault.InvalidField("query."+name, "contains a semicolon; separate parameters with &")
		case err != nil:
			return fault.InvalidField("query."+name, "the name is not valid percent-encoding")
		}
		if _, err := url.QueryUnescape(v); err != nil {
			return fault.InvalidField("query."+name, "the value is not valid percent-encoding (write %% as %%25)")
		}
	}
	return nil
}
