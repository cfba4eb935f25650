package main

import (
	"fmt"
	"syscall"
)

// raiseFDLimit raises the soft limit on open files to the hard limit and
// checks that need fit. Setting it explicitly matters: the Go runtime raises
// its own soft limit at start but restores the original one for child
// processes unless the program called Setrlimit, and the spawned server
// needs as many descriptors as there are clients.
func raiseFDLimit(need uint64) (uint64, error) {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, fmt.Errorf("getrlimit: %w", err)
	}
	r.Cur = r.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0, fmt.Errorf("setrlimit: %w", err)
	}
	if r.Cur < need {
		return r.Cur, fmt.Errorf("open files limit %d (hard) is below the %d needed: raise it (ulimit -Hn, or LimitNOFILE) or use fewer -clients", r.Cur, need)
	}
	return r.Cur, nil
}
