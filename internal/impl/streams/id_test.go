package streams_test

import (
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/streams"
)

func TestParseIDRefusesAllButTheFullForm(t *testing.T) {
	for _, bad := range []string{"", "1", "-1", "1-", "a-1", "1-b", "+1-2", "1-+2", " 1-2", "1-2-3", "18446744073709551616-0"} {
		if _, err := streams.ParseID(bad); err == nil {
			t.Errorf("ParseID(%q) accepted", bad)
		}
	}
}

func TestIDsCompareNumerically(t *testing.T) {
	a, _ := streams.ParseID("9-5")
	b, _ := streams.ParseID("10-0")
	if !a.Less(b) || b.Less(a) || a.Less(a) {
		t.Error("ids must compare numerically, not as strings")
	}
	if got := a.Next().String(); got != "9-6" {
		t.Errorf("Next(9-5) = %s", got)
	}
	if got := (streams.ID{Ms: 3, Seq: ^uint64(0)}).Next().String(); got != "4-0" {
		t.Errorf("Next(3-max) = %s", got)
	}
}
