package webhook

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSign(t *testing.T) {
	// echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
	const want = "sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
	got := Sign("secret", "1700000000", []byte(`{"a":1}`))
	if got != want {
		t.Fatalf("Sign = %q, want %q", got, want)
	}
	if !Verify("secret", "1700000000", got, []byte(`{"a":1}`)) {
		t.Error("Verify refuses Sign's signature")
	}
	for _, c := range []struct{ secret, ts, body string }{{"other", "1700000000", `{"a":1}`}, {"secret", "1700000001", `{"a":1}`}, {"secret", "1700000000", `{"a":2}`}} {
		if Verify(c.secret, c.ts, got, []byte(c.body)) {
			t.Errorf("Verify accepts %+v", c)
		}
	}
}

func TestNotify(t *testing.T) {
	var status int
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r, mustRead(t, r.Body)
		if status == http.StatusFound {
			w.Header().Set("Location", "/elsewhere")
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	n := New(nil)
	n.now = func() time.Time { return time.Unix(1700000000, 0) }
	for _, c := range []struct {
		status  int
		retry   bool
		failure bool
	}{
		{200, false, false}, {204, false, false},
		{400, false, true}, {401, false, true}, {404, false, true}, {302, false, true},
		{408, true, true}, {429, true, true}, {500, true, true}, {503, true, true},
	} {
		status = c.status
		retry, err := n.Notify(context.Background(), srv.URL+"/hook?token=sekrit", "s3cret", []byte(`{"status":"firing"}`))
		if retry != c.retry || (err != nil) != c.failure {
			t.Errorf("status %d: retry %v err %v", c.status, retry, err)
		}
		if err != nil && strings.Contains(err.Error(), "sekrit") {
			t.Errorf("status %d: error shows the URL's token: %v", c.status, err)
		}
		if got.Method != http.MethodPost || got.Header.Get("Content-Type") != "application/json" || got.URL.Path != "/hook" ||
			got.Header.Get(TimestampHeader) != "1700000000" || !Verify("s3cret", "1700000000", got.Header.Get(SignatureHeader), body) {
			t.Errorf("status %d: request %s %s %v", c.status, got.Method, got.URL, got.Header)
		}
	}
	// No secret, no signature.
	status = 200
	if _, err := n.Notify(context.Background(), srv.URL, "", []byte(`{}`)); err != nil || got.Header.Get(SignatureHeader) != "" {
		t.Errorf("unsigned: err %v signature %q", err, got.Header.Get(SignatureHeader))
	}
}

func TestNotifyNetworkErrorsRetry(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String() + "/x?token=sekrit"
	ln.Close() // nothing listens: connection refused
	retry, err := New(nil).Notify(context.Background(), url, "s", []byte(`{}`))
	if !retry || err == nil || strings.Contains(err.Error(), "sekrit") {
		t.Errorf("refused: retry %v err %v", retry, err)
	}
	if retry, err := New(nil).Notify(context.Background(), "ftp://example.com/x", "s", nil); retry || err == nil {
		t.Errorf("ftp: retry %v err %v", retry, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if retry, err := New(nil).Notify(ctx, url, "s", nil); retry || err == nil {
		t.Errorf("cancelled: retry %v err %v", retry, err)
	}
}

func TestRedact(t *testing.T) {
	if got := Redact("https://user:pw@hooks.example.com:8443/services/T0/B0/XYZ?x=1"); got != "https://hooks.example.com:8443" {
		t.Errorf("Redact = %q", got)
	}
}

func mustRead(t *testing.T, r io.Reader) []byte {
	t.Helper()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
