// Package webhook delivers alert notifications as signed JSON POSTs.
//
// Every request carries
//
//	Content-Type: application/json
//	X-Lightwatch-Timestamp: <Unix seconds when it was sent>
//	X-Lightwatch-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">
//
// the signature keyed with the target's secret (no signature header when the
// target has none). Signing the timestamp with the body lets a receiver
// refuse replays: recompute the HMAC over the timestamp header, a dot and the
// raw body, compare it in constant time (Verify), and refuse timestamps more
// than a few minutes old.
//
// A Notifier makes one attempt and says whether another may succeed, like
// Alertmanager's notifiers: retrying, backoff and budgets are the caller's.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The headers of a delivery.
const (
	SignatureHeader = "X-Lightwatch-Signature"
	TimestampHeader = "X-Lightwatch-Timestamp"
)

// attemptTimeout bounds one attempt when the caller's context does not.
const attemptTimeout = 10 * time.Second

// Notifier posts payloads to webhook targets. It is safe for concurrent use.
type Notifier struct {
	client *http.Client
	now    func() time.Time
}

// New returns a Notifier that connects only where p allows, with a 10 s
// timeout per attempt, no proxy (the check is on the address dialled) and no
// redirects (a redirected POST would lose its body, a redirect could point
// anywhere, and a target that moved should be reconfigured, not chased).
func New(p Policy) *Notifier {
	client := &http.Client{
		Timeout: attemptTimeout,
		Transport: &http.Transport{
			DialContext:           p.dialContext(),
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   attemptTimeout,
			ResponseHeaderTimeout: attemptTimeout,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &Notifier{client: client, now: time.Now}
}

// Error is a failed attempt. Its text is what the tenant sees in the alert's
// notify_error, which every read key of the tenant can read: it says what
// class of failure happened (address not allowed, timed out, could not
// connect, the HTTP status) and never the dial's details (resolved address,
// "connection refused" against "no route"), which would turn webhooks into a
// scanner of the network the server sits in. Unwrap gives the cause, for logs.
type Error struct {
	Public string
	Cause  error
}

func (e *Error) Error() string { return e.Public }
func (e *Error) Unwrap() error { return e.Cause }

// networkError classifies a failed connection for the tenant's eyes.
func networkError(target string, err error) *Error {
	what := "could not connect or send"
	var ne net.Error
	switch {
	case errors.Is(err, ErrAddressNotAllowed):
		what = "target address not allowed (only public addresses on ports 80 and 443, unless the operator allow-lists it)"
	case errors.As(err, &ne) && ne.Timeout():
		what = "timed out"
	}
	return &Error{Public: fmt.Sprintf("webhook %s: %s", Redact(target), what), Cause: err}
}

// Notify makes one delivery attempt of body to target, signed with secret.
// retry reports whether a later attempt may succeed: network errors,
// timeouts, 408, 429 and 5xx are retryable; other answers outside 2xx are not.
// Errors name the target by scheme and host only: webhook URLs often carry a
// token in their path or query.
func (n *Notifier) Notify(ctx context.Context, target, secret string, body []byte) (retry bool, err error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return false, errors.New("webhook: target is not an http(s) URL")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return false, fmt.Errorf("webhook %s: %w", Redact(target), err)
	}
	ts := strconv.FormatInt(n.now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Lightwatch-Webhook/1")
	req.Header.Set(TimestampHeader, ts)
	if secret != "" {
		req.Header.Set(SignatureHeader, Sign(secret, ts, body))
	}
	resp, err := n.client.Do(req)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, fmt.Errorf("webhook %s: %w", Redact(target), ctxErr)
		}
		// *url.Error quotes the whole URL: keep only its cause.
		if uerr, ok := errors.AsType[*url.Error](err); ok {
			err = uerr.Err
		}
		// A refused address stays refused: no point in retrying it.
		return !errors.Is(err, ErrAddressNotAllowed), networkError(target, err)
	}
	// Drain a little so the connection can be reused; the body says nothing we use.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	_ = resp.Body.Close()
	if resp.StatusCode/100 == 2 {
		return false, nil
	}
	err = fmt.Errorf("webhook %s: HTTP %s", Redact(target), resp.Status)
	return Retryable(resp.StatusCode), err
}

// Retryable reports whether an answer with this status may succeed if sent
// again: 408, 429 and 5xx.
func Retryable(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooManyRequests || status/100 == 5
}

// Sign returns the signature header value of body sent at timestamp (the
// X-Lightwatch-Timestamp value): "sha256=" and the hex HMAC-SHA256 of
// timestamp + "." + body, keyed with secret.
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature is Sign(secret, timestamp, body),
// comparing in constant time. Receivers should also refuse old timestamps.
func Verify(secret, timestamp, signature string, body []byte) bool {
	return hmac.Equal([]byte(signature), []byte(Sign(secret, timestamp, body)))
}

// Redact names a target by scheme and host only.
func Redact(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return "(invalid URL)"
	}
	return u.Scheme + "://" + u.Host
}
