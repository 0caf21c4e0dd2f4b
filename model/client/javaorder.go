package client

import "sort"

// Java collections iterate in hash order, and several RocketMQ behaviours
// depend on it: the topics of one route-refresh round (a HashSet, facts
// §3.2, §10.2: "arbitrary but fixed"), the brokers a heartbeat visits (a
// ConcurrentHashMap). The model reproduces that order exactly for String
// keys, so it is fixed, deterministic and the one a real JVM would use.

// javaStringHash is String.hashCode: s[0]·31^(n-1) + … + s[n-1] in int32.
func javaStringHash(s string) int32 {
	var h int32
	for _, r := range s {
		if r >= 0x10000 { // a UTF-16 surrogate pair
			r -= 0x10000
			h = 31*h + int32(0xD800+(r>>10))
			h = 31*h + int32(0xDC00+(r&0x3FF))
			continue
		}
		h = 31*h + int32(r)
	}
	return h
}

// javaHashOrder returns keys (in insertion order, duplicates dropped) in
// the iteration order of a java.util.HashMap/HashSet or ConcurrentHashMap
// built by inserting them in that order: by bucket (spread hash masked by
// the table size, 16 doubled while the load factor 0.75 is exceeded), then
// by insertion within a bucket. Tree bins (≥ 8 collisions in a table of
// ≥ 64) are not reproduced.
func javaHashOrder(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	n := uint32(16)
	for uint32(len(out)) > n*3/4 {
		n *= 2
	}
	bucket := func(k string) uint32 {
		h := uint32(javaStringHash(k))
		return (h ^ (h >> 16)) & (n - 1)
	}
	sort.SliceStable(out, func(i, j int) bool { return bucket(out[i]) < bucket(out[j]) })
	return out
}

// JavaHashOrder is javaHashOrder for other packages (the console's
// HashSet iterations).
func JavaHashOrder(keys []string) []string { return javaHashOrder(keys) }

// JavaStringHash is String.hashCode.
func JavaStringHash(s string) int32 { return javaStringHash(s) }
