package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// ErrAddressNotAllowed is the cause of a delivery refused because the target
// resolved to an address webhooks may not reach (see Policy).
var ErrAddressNotAllowed = errors.New("webhook target address not allowed")

// Policy says what webhook deliveries may connect to. Webhook URLs are chosen
// by tenant admins, so without it a tenant could make the server POST to its
// own loopback, the cloud metadata service (169.254.169.254), Redis or
// MongoDB inside the deployment, and read the outcome as a port scanner.
//
// By default a delivery may only connect to a public unicast address on port
// 80 or 443. The check runs on the address actually dialled, on every dial
// (net.Dialer.Control), so a host name that resolves to a public address when
// the rule is saved and to 127.0.0.1 later (DNS rebinding) is refused too.
// The operator lifts the restriction for chosen targets: AllowHosts names host
// names and AllowNets address ranges reachable on any port.
type Policy struct {
	AllowHosts []string       // host names as written in URLs, compared case-insensitively
	AllowNets  []netip.Prefix // addresses reachable whatever their class and port
}

// ParsePolicy reads the operator's allow-list: host names, IP addresses and
// CIDR ranges (LIGHTWATCH_WEBHOOK_ALLOW).
func ParsePolicy(entries []string) (Policy, error) {
	var p Policy
	for _, e := range entries {
		e = strings.TrimSpace(e)
		switch {
		case e == "":
		case strings.Contains(e, "/"):
			pfx, err := netip.ParsePrefix(e)
			if err != nil {
				return Policy{}, fmt.Errorf("webhook allow-list: %q is not a CIDR range: %w", e, err)
			}
			p.AllowNets = append(p.AllowNets, pfx.Masked())
		default:
			if a, err := netip.ParseAddr(strings.Trim(e, "[]")); err == nil {
				p.AllowNets = append(p.AllowNets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
				continue
			}
			p.AllowHosts = append(p.AllowHosts, strings.ToLower(e))
		}
	}
	return p, nil
}

// extraBlocked are special-purpose ranges netip.Addr's predicates do not name.
var extraBlocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64: may embed any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2002::/16"),      // 6to4: may embed any IPv4 address
	netip.MustParsePrefix("100::/64"),       // discard-only
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
}

// publicUnicast reports whether a is an address of the public Internet:
// not loopback, link-local, private, CGNAT, multicast, unspecified or
// otherwise special.
func publicUnicast(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsPrivate() || a.IsUnspecified() {
		return false
	}
	for _, p := range extraBlocked {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// allowsHost reports whether host (from a URL) is on the allow-list.
func (p Policy) allowsHost(host string) bool {
	for _, h := range p.AllowHosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// allowsAddr decides a dial to addrport ("ip:port", as net.Dialer.Control gets it).
func (p Policy) allowsAddr(addrport string) error {
	ap, err := netip.ParseAddrPort(addrport)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrAddressNotAllowed, addrport)
	}
	a := ap.Addr().Unmap()
	for _, n := range p.AllowNets {
		if n.Contains(a) {
			return nil
		}
	}
	if !publicUnicast(a) {
		return fmt.Errorf("%w: %s is not a public address", ErrAddressNotAllowed, a)
	}
	if ap.Port() != 80 && ap.Port() != 443 {
		return fmt.Errorf("%w: port %d (only 80 and 443)", ErrAddressNotAllowed, ap.Port())
	}
	return nil
}

// dialContext dials as Policy p allows: allow-listed host names freely, any
// other target only to the addresses and ports allowsAddr accepts, checked
// on the address each connection attempt actually uses.
func (p Policy) dialContext() func(ctx context.Context, network, addr string) (net.Conn, error) {
	free := &net.Dialer{Timeout: attemptTimeout, KeepAlive: 30 * time.Second}
	guarded := &net.Dialer{Timeout: attemptTimeout, KeepAlive: 30 * time.Second,
		Control: func(_, address string, _ syscall.RawConn) error { return p.allowsAddr(address) }}
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if p.allowsHost(host) {
			return free.DialContext(ctx, network, addr)
		}
		return guarded.DialContext(ctx, network, addr)
	}
}
