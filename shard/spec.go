package shard

import (
	"fmt"
	"strconv"
	"strings"
)

// Spec is one shard of a job list: the jobs i with i mod Of == Index.
// The zero Spec is invalid; Whole is the unsharded list.
type Spec struct {
	Index int
	Of    int
}

// Whole is the whole job list as one shard.
var Whole = Spec{Index: 0, Of: 1}

// Parse reads "I/N" (0 ≤ I < N), the form of the -shard flag.
func Parse(s string) (Spec, error) {
	is, ns, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return Spec{}, fmt.Errorf("-shard %q: want I/N, e.g. 0/4 (I from 0 to N-1)", s)
	}
	i, err1 := strconv.Atoi(is)
	n, err2 := strconv.Atoi(ns)
	switch {
	case err1 != nil || err2 != nil:
		return Spec{}, fmt.Errorf("-shard %q: want I/N with whole numbers, e.g. 0/4", s)
	case n < 1:
		return Spec{}, fmt.Errorf("-shard %q: N must be at least 1", s)
	case i < 0 || i >= n:
		return Spec{}, fmt.Errorf("-shard %q: I must be from 0 to %d (shards are numbered from 0)", s, n-1)
	}
	return Spec{Index: i, Of: n}, nil
}

// Owns reports whether job i belongs to this shard.
func (s Spec) Owns(i int) bool { return i%s.Of == s.Index }

// Count is how many of n jobs the shard owns.
func (s Spec) Count(n int) int {
	if n <= s.Index {
		return 0
	}
	return (n-1-s.Index)/s.Of + 1
}

func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Of) }
