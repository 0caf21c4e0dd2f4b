//go:build unix

package history

import "syscall"

// mapBytes is n zeroed bytes of anonymous memory outside the Go heap, or
// nil if the system refused them. The pages cost nothing until written.
func mapBytes(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return b
}

// unmapBytes returns b, a whole result of mapBytes, to the system.
func unmapBytes(b []byte) {
	if err := syscall.Munmap(b); err != nil {
		panic("history: munmap: " + err.Error()) // b was not a mapping: a bug here
	}
}
