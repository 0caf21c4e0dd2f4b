//go:build !linux

package main

// totalMemory is 0 where it is not read: tuneGC then sets no limit.
func totalMemory() uint64 { return 0 }
