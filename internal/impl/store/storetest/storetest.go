// Package storetest is the conformance suite every store adapter must pass, so
// that the adapters are interchangeable: same results, same errors, same
// precision. Each adapter's own test calls Run.
package storetest

import (
	"testing"

	"github.com/lightwatch/lightwatch/internal/impl/store"
)

// Run runs the suite. open must return an empty store, independent of every
// other one it returned, and arrange its closing with t.Cleanup; it is called
// once per subtest.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Idempotent", testIdempotent},
		{"DuplicatesInOneCall", testDuplicatesInOneCall},
		{"SameIDOtherKind", testSameIDOtherKind},
		{"TenantIsolation", testTenantIsolation},
		{"CountPerKind", testCountPerKind},
		{"GetEventsMissingAndMany", testGetEventsMissingAndMany},
		{"RejectsInvalid", testRejectsInvalid},
		{"ConcurrentInserts", testConcurrentInserts},
		{"Keys", testKeys},
		{"KeySameHashOtherID", testKeySameHashOtherID},
		{"Ping", testPing},
		{"MetricRollups", testMetricRollups},
		{"MetricRawSteps", testMetricRawSteps},
		{"MetricFilters", testMetricFilters},
		{"MetricNames", testMetricNames},
		{"MetricConcurrentWriters", testMetricConcurrentWriters},
		{"ServicesFromEvents", testServicesFromEvents},
		{"ServicesFromHeartbeats", testServicesFromHeartbeats},
		{"Rules", testRules},
		{"RulesRejectInvalid", testRulesRejectInvalid},
		{"QueryLogs", testQueryLogs},
		{"QueryLogsContent", testQueryLogsContent},
		{"QuerySecurity", testQuerySecurity},
		{"QueryEdges", testQueryEdges},
		{"SharedFilters", testSharedFilters},
		{"Alerts", testAlerts},
		{"AlertsRejectInvalid", testAlertsRejectInvalid},
		{"ListAlerts", testListAlerts},
		{"ListKeys", testListKeys},
		{"RevokeKey", testRevokeKey},
		{"IdempotentAcrossCompaction", testIdempotentAcrossCompaction},
		{"PagingAcrossCompaction", testPagingAcrossCompaction},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}
