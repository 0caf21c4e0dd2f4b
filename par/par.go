// Package par runs independent computations at once. The judges of one
// run read the same sealed history and share nothing else, so on a
// machine with a core to spare they need not wait for one another; what
// each computes, and so every output, is the same whether they run in
// turn or together, on any GOMAXPROCS. Start (later.go) is the one way
// the deterministic core hands bookkeeping behind a running world.
package par

import "sync"

// Do calls every f and returns when all have returned: the first on the
// caller's goroutine, each other on a goroutine of its own. The fs must
// not write anything another reads. If any panicked, Do panics on the
// caller's goroutine with the value of the first (in argument order)
// that did, so a panic reaches the caller's recover as it would had the
// calls been made in turn.
func Do(fs ...func()) {
	if len(fs) == 0 {
		return
	}
	panics := make([]any, len(fs))
	panicked := make([]bool, len(fs))
	var wg sync.WaitGroup
	for i, f := range fs[1:] {
		wg.Go(func() { panicked[i+1], panics[i+1] = call(f) })
	}
	panicked[0], panics[0] = call(fs[0])
	wg.Wait()
	for i, p := range panicked {
		if p {
			panic(panics[i])
		}
	}
}

// call calls f and reports whether it panicked, and with what.
func call(f func()) (panicked bool, v any) {
	panicked = true
	defer func() {
		if panicked {
			v = recover()
		}
	}()
	f()
	return false, nil
}
