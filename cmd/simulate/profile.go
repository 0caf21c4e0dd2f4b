package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// startProfiles starts the profiles the environment asks for and returns
// the function that writes them when the command ends:
//
//	SIMULATE_CPUPROFILE=FILE  a CPU profile of the whole command;
//	SIMULATE_MEMPROFILE=FILE  the heap profile (allocations, in use) at its end.
//
// They are for docs/performance.md's measurements of the CLI itself (a
// sweep's workers, a long run), which `go test -cpuprofile` cannot see.
// A profile never changes what a run computes; a file that cannot be
// written is reported on stderr and the command goes on unprofiled.
func startProfiles(stderr io.Writer) (stop func()) {
	var cpu *os.File
	if name := os.Getenv("SIMULATE_CPUPROFILE"); name != "" {
		f, err := os.Create(name)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "simulate: SIMULATE_CPUPROFILE: %v\n", err)
		} else {
			cpu = f
		}
	}
	mem := os.Getenv("SIMULATE_MEMPROFILE")
	return func() {
		if cpu != nil {
			pprof.StopCPUProfile()
			if err := cpu.Close(); err != nil {
				fmt.Fprintf(stderr, "simulate: SIMULATE_CPUPROFILE: %v\n", err)
			}
		}
		if mem == "" {
			return
		}
		runtime.GC() // the in-use figures are those of the last collection
		f, err := os.Create(mem)
		if err == nil {
			err = pprof.Lookup("allocs").WriteTo(f, 0)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintf(stderr, "simulate: SIMULATE_MEMPROFILE: %v\n", err)
		}
	}
}
