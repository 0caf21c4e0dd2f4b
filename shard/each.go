package shard

import (
	"context"
	"sync"
)

// Job computes job i's line (without its newline). It must be a pure
// function of i and read-only shared inputs: Each runs jobs concurrently.
type Job func(i int) ([]byte, error)

// Progress is told after each emitted line: done of total owned jobs.
type Progress func(done, total int)

// Each runs the jobs of 0..jobs-1 that spec owns on at most workers
// goroutines and hands their lines to emit in job order (emit is never
// called concurrently). When ctx is cancelled it starts no new job,
// emits what completes the in-order prefix, and returns ctx.Err(); a job
// error stops it the same way and is returned. The number emitted is
// returned in every case.
func Each(ctx context.Context, jobs int, spec Spec, workers int, job Job, emit func(i int, line []byte) error, progress Progress) (int, error) {
	var owned []int
	for i := range jobs {
		if spec.Owns(i) {
			owned = append(owned, i)
		}
	}
	if len(owned) == 0 {
		return 0, nil
	}
	workers = max(1, min(workers, len(owned)))
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		pos  int
		line []byte
		err  error
	}
	next := make(chan int)
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for pos := range next {
				line, err := job(owned[pos])
				results <- result{pos: pos, line: line, err: err}
			}
		})
	}
	go func() {
		defer close(next)
		for pos := range owned {
			select {
			case next <- pos:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	pending := map[int][]byte{}
	emitted := 0
	var firstErr error
	for r := range results {
		if r.err != nil || firstErr != nil {
			if firstErr == nil {
				firstErr = r.err
				cancel()
			}
			continue // drain: the dispatcher stops on ctx, workers on close
		}
		pending[r.pos] = r.line
		for {
			line, ok := pending[emitted]
			if !ok {
				break
			}
			delete(pending, emitted)
			if err := emit(owned[emitted], line); err != nil {
				firstErr = err
				cancel()
				break
			}
			emitted++
			if progress != nil {
				progress(emitted, len(owned))
			}
		}
	}
	if firstErr != nil {
		return emitted, firstErr
	}
	if emitted < len(owned) {
		return emitted, parent.Err()
	}
	return emitted, nil
}
