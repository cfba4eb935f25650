package loadtest

import "syscall"

// childAttr makes the spawned server receive SIGTERM if the load command dies
// without stopping it, so that no server outlives a crashed or killed run.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
