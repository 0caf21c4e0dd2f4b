package main

import "syscall"

// totalMemory is the machine's RAM in bytes, 0 if it cannot be read.
func totalMemory() uint64 {
	var si syscall.Sysinfo_t
	if err := syscall.Sysinfo(&si); err != nil {
		return 0
	}
	return uint64(si.Totalram) * uint64(si.Unit)
}
