//go:build !linux

package loadtest

import "syscall"

func childAttr() *syscall.SysProcAttr { return nil }
