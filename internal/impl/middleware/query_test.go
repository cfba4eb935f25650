package middleware

import (
	"errors"
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/fault"
)

func TestCheckQuery(t *testing.T) {
	for raw, field := range map[string]string{
		"service=%zz":             "query.service",
		"level=error&cursor=%%%x": "query.cursor",
		"q=100%":                  "query.q",
		"a=1;b=2":                 "query.a",
		"%zz=1":                   "query.%zz",
		"attr.http.status=4%0":    "query.attr.http.status",
		"service=a&&service=b%2":  "query.service",
	} {
		err := CheckQuery(raw)
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Field != field {
			t.Errorf("%s: %v, want an invalid %s", raw, err, field)
		}
	}
	for _, raw := range []string{"", "service=a&service=b", "q=100%25", "q=a+b&x=", "attr.k=%C3%A9", "flag"} {
		if err := CheckQuery(raw); err != nil {
			t.Errorf("%s: %v", raw, err)
		}
	}
}
