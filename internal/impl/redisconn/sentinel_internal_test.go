package redisconn

import (
	"reflect"
	"strings"
	"testing"
)

// The documented redis-sentinel:// syntax, field by field.
func TestParseSentinelURL(t *testing.T) {
	for _, tc := range []struct {
		url                      string
		addrs                    []string
		master                   string
		db                       int
		user, pass, suser, spass string
		tls                      bool
	}{
		{url: "redis-sentinel://s1:26379,s2:26380/mymaster", addrs: []string{"s1:26379", "s2:26380"}, master: "mymaster"},
		{url: "redis-sentinel://s1,10.0.0.2/mymaster/3", addrs: []string{"s1:26379", "10.0.0.2:26379"}, master: "mymaster", db: 3},
		{url: "redis-sentinel://:p%40ss@s1:26379/m/0", addrs: []string{"s1:26379"}, master: "m", pass: "p@ss"},
		{url: "redis-sentinel://app:pw@[::1]:26379,[fd00::2]/m/", addrs: []string{"[::1]:26379", "[fd00::2]:26379"}, master: "m", user: "app", pass: "pw"},
		{url: "rediss-sentinel://s1/m?sentinel_password=sp&sentinel_username=su", addrs: []string{"s1:26379"}, master: "m", suser: "su", spass: "sp", tls: true},
		{url: "redis-sentinel://lightwatch-redis.redis.svc.cluster.local:26379/mymaster", addrs: []string{"lightwatch-redis.redis.svc.cluster.local:26379"}, master: "mymaster"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			if !isSentinelURL(tc.url) {
				t.Fatal("not recognised as a sentinel URL")
			}
			o, err := parseSentinelURL(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(o.SentinelAddrs, tc.addrs) || o.MasterName != tc.master || o.DB != tc.db ||
				o.Username != tc.user || o.Password != tc.pass || o.SentinelUsername != tc.suser ||
				o.SentinelPassword != tc.spass || (o.TLSConfig != nil) != tc.tls {
				t.Fatalf("got %+v", o)
			}
		})
	}
}

func TestParseSentinelURLErrors(t *testing.T) {
	for url, want := range map[string]string{
		"redis-sentinel://s1:26379":                           "master name",
		"redis-sentinel://s1:26379/":                          "master name",
		"redis-sentinel://:s3cret@s1:26379/m/x":               "database number",
		"redis-sentinel://:s3cret@s1:26379/m/1/2":             "master name",
		"redis-sentinel://:s3cret@s1:99999/m":                 "invalid port",
		"redis-sentinel://:s3cret@s1:26379,,s2/m":             "Sentinel addresses",
		"redis-sentinel://:s3cret@/m":                         "Sentinel addresses",
		"redis-sentinel://:s3cret@s1/m?master_name=x":         "unknown option",
		"redis-sentinel://:s3cret@s1/m?sentinel_password=%zz": "query",
	} {
		_, err := parseSentinelURL(url)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err %v, want one mentioning %q", url, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: error %q leaks the password", url, err)
		}
	}
	for _, u := range []string{"redis://h:6379/0", "rediss://h/0", "unix:///tmp/r.sock", "sentinel://h/m"} {
		if isSentinelURL(u) {
			t.Errorf("%s taken for a sentinel URL", u)
		}
	}
}
