package redisconn

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Sentinel URL schemes: the client asks the Sentinels which server is the
// master of a name, follows every failover they announce, and talks to the
// master (with TLS for rediss-sentinel, to Sentinels and servers alike).
const (
	sentinelScheme    = "redis-sentinel"
	sentinelTLSScheme = "rediss-sentinel"
	// defaultSentinelPort is Sentinel's registered port, used for an address
	// given without one.
	defaultSentinelPort = "26379"
)

// isSentinelURL reports whether rawURL names Sentinels rather than a server.
func isSentinelURL(rawURL string) bool {
	scheme, _, ok := strings.Cut(rawURL, "://")
	return ok && (scheme == sentinelScheme || scheme == sentinelTLSScheme)
}

// parseSentinelURL parses
//
//	redis-sentinel://[[user]:password@]host[:port][,host[:port]...]/master[/db][?sentinel_username=u&sentinel_password=p]
//
// (rediss-sentinel:// for TLS). The user information authenticates to the
// Redis servers; Sentinels that require a password of their own get it from
// sentinel_password (and sentinel_username, with ACLs). Addresses without a
// port use 26379. Errors never include the password.
func parseSentinelURL(rawURL string) (*redis.FailoverOptions, error) {
	scheme, rest, _ := strings.Cut(rawURL, "://")
	rest, rawQuery, _ := strings.Cut(rest, "?")
	hostPart, path, _ := strings.Cut(rest, "/")
	opts := &redis.FailoverOptions{}
	if at := strings.LastIndex(hostPart, "@"); at >= 0 {
		user, pass, err := userInfo(hostPart[:at])
		if err != nil {
			return nil, err
		}
		opts.Username, opts.Password = user, pass
		hostPart = hostPart[at+1:]
	}
	for _, h := range strings.Split(hostPart, ",") {
		addr, err := sentinelAddr(h)
		if err != nil {
			return nil, err
		}
		opts.SentinelAddrs = append(opts.SentinelAddrs, addr)
	}
	segments := strings.Split(path, "/")
	if len(segments) > 2 || segments[0] == "" {
		return nil, errors.New("want the master name after the addresses: " + sentinelScheme + "://host:26379/mymaster[/db]")
	}
	master, err := url.PathUnescape(segments[0])
	if err != nil {
		return nil, fmt.Errorf("master name: %w", err)
	}
	opts.MasterName = master
	if len(segments) == 2 && segments[1] != "" {
		if opts.DB, err = strconv.Atoi(segments[1]); err != nil || opts.DB < 0 {
			return nil, fmt.Errorf("invalid database number %q", segments[1])
		}
	}
	query, err := url.ParseQuery(rawQuery)
	if err != nil {
		return nil, errors.New("invalid query string")
	}
	for key, values := range query {
		switch key {
		case "sentinel_username":
			opts.SentinelUsername = values[len(values)-1]
		case "sentinel_password":
			opts.SentinelPassword = values[len(values)-1]
		default:
			return nil, fmt.Errorf("unknown option %q (want sentinel_username or sentinel_password)", key)
		}
	}
	if scheme == sentinelTLSScheme {
		opts.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	return opts, nil
}

func userInfo(s string) (user, pass string, err error) {
	u, p, hasPass := strings.Cut(s, ":")
	if user, err = url.PathUnescape(u); err != nil {
		return "", "", errors.New("invalid user name encoding")
	}
	if hasPass {
		if pass, err = url.PathUnescape(p); err != nil {
			return "", "", errors.New("invalid password encoding")
		}
	}
	return user, pass, nil
}

func sentinelAddr(h string) (string, error) {
	if h == "" {
		return "", errors.New("want one or more Sentinel addresses host[:port], comma-separated")
	}
	host, port, err := net.SplitHostPort(h)
	if err != nil {
		// No port (a bare host or a bracketed IPv6 address).
		host, port = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]"), defaultSentinelPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("invalid port in Sentinel address %q", h)
	}
	if host == "" || strings.ContainsAny(host, "[]@:/ ") && net.ParseIP(host) == nil {
		return "", fmt.Errorf("invalid Sentinel address %q", h)
	}
	return net.JoinHostPort(host, port), nil
}
