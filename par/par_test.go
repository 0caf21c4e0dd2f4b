package par

import (
	"runtime"
	"testing"
)

// TestDoRunsEveryFunction: each f runs once, whatever GOMAXPROCS, and Do
// returns only when all have.
func TestDoRunsEveryFunction(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		var got [5]int
		fs := make([]func(), len(got))
		for i := range fs {
			fs[i] = func() { got[i] += i + 1 }
		}
		Do(fs...)
		runtime.GOMAXPROCS(old)
		for i, g := range got {
			if g != i+1 {
				t.Errorf("GOMAXPROCS=%d: f%d ran to %d, want %d (once)", procs, i, g, i+1)
			}
		}
	}
	Do() // nothing to run: returns
}

// TestDoRepanicsTheFirstPanic: a panic on another goroutine reaches the
// caller's recover, after every f has ended, and the first in argument
// order wins.
func TestDoRepanicsTheFirstPanic(t *testing.T) {
	ended := false
	got := func() (v any) {
		defer func() { v = recover() }()
		Do(func() {}, func() { panic("second") }, func() { ended = true }, func() { panic("fourth") })
		return nil
	}()
	if got != "second" {
		t.Fatalf("recovered %v, want the first panic in argument order, %q", got, "second")
	}
	if !ended {
		t.Fatal("Do panicked before every function had ended")
	}
	got = func() (v any) {
		defer func() { v = recover() }()
		Do(func() { panic("first") })
		return nil
	}()
	if got != "first" {
		t.Fatalf("recovered %v from the caller's own goroutine, want %q", got, "first")
	}
}

// TestLaterReturnsAndRepanics: Wait gives f's result, on one P or
// several, and a panic in f reaches the caller's recover from Wait.
func TestLaterReturnsAndRepanics(t *testing.T) {
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		data := []int{1, 2, 3, 4}
		l := Start(func() int {
			s := 0
			for _, v := range data {
				s += v
			}
			return s
		})
		got := l.Wait()
		runtime.GOMAXPROCS(old)
		if got != 10 {
			t.Errorf("GOMAXPROCS=%d: Wait gave %d, want 10", procs, got)
		}
	}
	got := func() (v any) {
		defer func() { v = recover() }()
		Start(func() bool { panic("boom") }).Wait()
		return nil
	}()
	if got != "boom" {
		t.Fatalf("recovered %v from Wait, want the panic of f", got)
	}
}
