package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
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
	n := New(loopback)
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
	retry, err := New(loopback).Notify(context.Background(), url, "s", []byte(`{}`))
	if !retry || err == nil || strings.Contains(err.Error(), "sekrit") {
		t.Errorf("refused: retry %v err %v", retry, err)
	}
	if retry, err := New(loopback).Notify(context.Background(), "ftp://example.com/x", "s", nil); retry || err == nil {
		t.Errorf("ftp: retry %v err %v", retry, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if retry, err := New(loopback).Notify(ctx, url, "s", nil); retry || err == nil {
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

// loopback lets the tests' local receivers (httptest, 127.0.0.1) through.
var loopback = Policy{AllowNets: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}}

// Without the operator's allow-list a delivery reaches only public addresses
// on ports 80 and 443: loopback by address or by a name resolving to it is
// refused at dial time, not retried, and the error says so without the dial's
// details.
func TestNotifyRefusesPrivateTargets(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	for _, target := range []string{srv.URL + "/hook", "http://localhost:" + port + "/hook", "http://[::ffff:127.0.0.1]:" + port + "/hook"} {
		retry, err := New(Policy{}).Notify(context.Background(), target, "s", []byte(`{}`))
		if retry || !errors.Is(err, ErrAddressNotAllowed) || !strings.Contains(err.Error(), "not allowed") || strings.Contains(err.Error(), "127.0.0.1:"+port+" ") {
			t.Errorf("%s: retry %v err %v", target, retry, err)
		}
	}
	if hits.Load() != 0 {
		t.Errorf("the receiver got %d requests", hits.Load())
	}
	// Allow-listed by host name, any port.
	if _, err := New(Policy{AllowHosts: []string{"LOCALHOST"}}).Notify(context.Background(), "http://localhost:"+port+"/hook", "s", []byte(`{}`)); err != nil || hits.Load() != 1 {
		t.Errorf("allow-listed host: err %v hits %d", err, hits.Load())
	}
}

func TestPolicyAddresses(t *testing.T) {
	p, err := ParsePolicy([]string{"10.1.0.0/16", "192.168.1.5", " hooks.internal "})
	if err != nil {
		t.Fatal(err)
	}
	if !p.allowsHost("Hooks.Internal") || p.allowsHost("other.internal") {
		t.Errorf("hosts %v", p.AllowHosts)
	}
	for addr, ok := range map[string]bool{
		"93.184.215.14:443": true, "93.184.215.14:80": true, "93.184.215.14:6379": false, "[2606:4700::1]:443": true,
		"127.0.0.1:80": false, "[::1]:443": false, "169.254.169.254:80": false, "10.0.0.1:443": false, "172.16.3.4:443": false,
		"192.168.0.1:443": false, "100.64.1.1:443": false, "224.0.0.1:80": false, "0.0.0.0:80": false, "[::]:80": false,
		"[fe80::1]:80": false, "[fc00::1]:443": false, "[::ffff:169.254.169.254]:80": false, "[64:ff9b::a9fe:a9fe]:80": false,
		"255.255.255.255:80": false, "10.1.2.3:6379": true, "192.168.1.5:8080": true, "192.168.1.6:443": false,
	} {
		if err := p.allowsAddr(addr); (err == nil) != ok {
			t.Errorf("%s: err %v, want allowed %v", addr, err, ok)
		}
	}
	if _, err := ParsePolicy([]string{"10.0.0.0/33"}); err == nil {
		t.Error("a bad CIDR is accepted")
	}
}
