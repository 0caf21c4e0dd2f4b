package history

import (
	"fmt"
	"testing"
)

// TestFront: Get finds what the map holds, for keys that collide in the
// slots and come back after being evicted, and looks a cached key up no
// more.
func TestFront(t *testing.T) {
	m := map[string]int{}
	for i := range 5000 {
		m[fmt.Sprintf("k%d", i)] = i
	}
	f := NewFront[int]()
	lookups := 0
	lookup := func(k string) int { lookups++; return m[k] }
	for n := range 50_000 {
		k := fmt.Sprintf("k%d", (n*7919)%5000)
		if got := f.Get(k, lookup); got != m[k] {
			t.Fatalf("Get(%s) = %d, the map holds %d", k, got, m[k])
		}
	}
	before := lookups
	for range 3 {
		f.Get("k42", lookup)
	}
	if lookups > before+1 {
		t.Errorf("a cached key was looked up %d times", lookups-before)
	}
}
