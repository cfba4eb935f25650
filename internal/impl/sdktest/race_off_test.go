//go:build !race

package sdktest_test

// buildFlags: see race_on_test.go.
var buildFlags []string
