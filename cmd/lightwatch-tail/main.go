// Command lightwatch-tail follows a Lightwatch WebSocket channel from a
// terminal, like tail -f: one line per event, filters as on the query API, and
// on a dropped connection it reconnects and resumes after the last event it
// printed, so nothing is missed while the stream still holds it.
//
//	lightwatch-tail -key $LW_KEY -f service=checkout -f level=error
//	lightwatch-tail -channel security-events -f min_severity=high -json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/gorilla/websocket"
)

type filters []string

func (f *filters) String() string     { return strings.Join(*f, ",") }
func (f *filters) Set(v string) error { *f = append(*f, v); return nil }

type options struct {
	base, channel, key, since string
	filters                   filters
	raw                       bool
}

func main() {
	var o options
	flag.StringVar(&o.base, "url", "ws://localhost:8080", "Lightwatch base URL (ws:// or wss://)")
	flag.StringVar(&o.channel, "channel", "logs", "logs, security-events, metrics or alerts")
	flag.StringVar(&o.key, "key", os.Getenv("LW_KEY"), "API key with the read scope (default $LW_KEY)")
	flag.StringVar(&o.since, "since", "", "resume after this cursor")
	flag.Var(&o.filters, "f", "filter key=value, repeatable (service=checkout, level=error, attr.http.status=500, ...)")
	flag.BoolVar(&o.raw, "json", false, "print every message as the JSON the server sent")
	flag.Parse()
	if o.key == "" {
		fmt.Fprintln(os.Stderr, "lightwatch-tail: no API key: pass -key or set LW_KEY")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := follow(ctx, o, os.Stdout); err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "lightwatch-tail:", err)
		os.Exit(1)
	}
}

// follow connects and prints until ctx ends, reconnecting with backoff.
func follow(ctx context.Context, o options, out io.Writer) error {
	backoff := time.Second
	for {
		err := session(ctx, &o, out)
		var fatal *fatalError
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.As(err, &fatal):
			return err
		}
		fmt.Fprintf(os.Stderr, "lightwatch-tail: %v; reconnecting in %v\n", err, backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// fatalError is a refusal that reconnecting cannot fix (bad key, bad filter).
type fatalError struct{ msg string }

func (e *fatalError) Error() string { return e.msg }

func session(ctx context.Context, o *options, out io.Writer) error {
	u, err := url.Parse(strings.TrimRight(o.base, "/") + "/ws/" + o.channel)
	if err != nil {
		return &fatalError{fmt.Sprintf("bad url: %v", err)}
	}
	q := u.Query()
	for _, f := range o.filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return &fatalError{fmt.Sprintf("filter %q: want key=value", f)}
		}
		q.Add(k, v)
	}
	if o.since != "" {
		q.Set("since", o.since)
	}
	u.RawQuery = q.Encode()
	conn, resp, err := websocket.DefaultDialer.DialContext(ctx, u.String(), http.Header{"Authorization": {"Bearer " + o.key}})
	if err != nil {
		if resp != nil && resp.StatusCode >= 400 && resp.StatusCode < 500 {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			return &fatalError{fmt.Sprintf("refused: %s %s", resp.Status, bytes.TrimSpace(body))}
		}
		return err
	}
	defer conn.Close()
	go func() { <-ctx.Done(); _ = conn.Close() }()
	for {
		_, frame, err := conn.ReadMessage()
		if err != nil {
			return err
		}
		for _, line := range bytes.Split(frame, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			if cursor := print(out, line, o.raw); cursor != "" {
				o.since = cursor // a reconnect resumes after what was printed
			}
		}
	}
}

// message is what the tail needs of any server message.
type message struct {
	Type    string          `json:"type"`
	Cursor  string          `json:"cursor"`
	Dropped int             `json:"dropped"`
	Oldest  string          `json:"oldest"`
	Message string          `json:"message"`
	Event   json.RawMessage `json:"event"`
	Alert   json.RawMessage `json:"alert"`
}

// print writes one message and returns its cursor, if it has one.
func print(out io.Writer, line []byte, raw bool) string {
	var m message
	if err := json.Unmarshal(line, &m); err != nil {
		fmt.Fprintf(out, "?? %s\n", line)
		return ""
	}
	if raw {
		fmt.Fprintf(out, "%s\n", line)
		return m.Cursor
	}
	switch m.Type {
	case "event":
		fmt.Fprintln(out, eventLine(m.Event))
	case "alert":
		var a struct {
			State    string  `json:"state"`
			Severity string  `json:"severity"`
			RuleName string  `json:"rule_name"`
			Value    float64 `json:"value"`
		}
		_ = json.Unmarshal(m.Alert, &a)
		fmt.Fprintf(out, "ALERT %-8s %-8s %s (value %g)\n", strings.ToUpper(a.State), a.Severity, a.RuleName, a.Value)
	case "lagged":
		fmt.Fprintf(os.Stderr, "-- %d messages dropped: this terminal was too slow --\n", m.Dropped)
	case "reset":
		fmt.Fprintf(os.Stderr, "-- history before %s is gone; continuing from there --\n", m.Oldest)
	case "error":
		fmt.Fprintf(os.Stderr, "-- server: %s --\n", m.Message)
	}
	return m.Cursor
}

func eventLine(raw json.RawMessage) string {
	var e struct {
		TS      time.Time `json:"ts"`
		Service string    `json:"service"`
		Host    string    `json:"host"`
		Log     *struct {
			Level, Message string
		} `json:"log"`
		Metric *struct {
			Name   string
			Value  float64
			Labels map[string]string
		} `json:"metric"`
		Security *struct {
			Category, Severity, Message string
			SrcIP                       string `json:"src_ip"`
		} `json:"security"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return string(raw)
	}
	ts := e.TS.Local().Format("15:04:05.000")
	switch {
	case e.Log != nil:
		return fmt.Sprintf("%s %-5s %s: %s", ts, strings.ToUpper(e.Log.Level), e.Service, e.Log.Message)
	case e.Metric != nil:
		return fmt.Sprintf("%s %s{%v} %s = %g", ts, e.Metric.Name, e.Metric.Labels, e.Service, e.Metric.Value)
	case e.Security != nil:
		return fmt.Sprintf("%s %-8s %s %s %s %s", ts, strings.ToUpper(e.Security.Severity), e.Service, e.Security.Category, e.Security.SrcIP, e.Security.Message)
	}
	return string(raw)
}
