//go:build race

package sdktest_test

// buildFlags build the server with the race detector when the test has it:
// its packages are then already compiled (go test -race ./... compiles them
// for other tests), and the server's races show up here too.
var buildFlags = []string{"-race"}
