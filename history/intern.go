package history

import "hash/maphash"

// strTable is the index from a distinct string to its id in
// History.strs: open addressing over a power-of-two array of ids (slot
// 0 is empty: the empty string, id 0, is never looked up), at most half
// full. A string costs 8 bytes of it instead of the ~40 of a
// map[string]uint32 entry, and the array, pointer-free, lives in the
// history's arena. Ids are given in first-seen order whatever the hash
// seed: the seed moves slots, never ids, so output stays deterministic.
type strTable struct {
	slots []uint32
	n     int // ids in slots
	seed  maphash.Seed
}

// find is the slot where s is, or the empty slot where it would go.
func (t *strTable) find(strs []string, s string) int {
	mask := len(t.slots) - 1
	i := int(maphash.String(t.seed, s)) & mask
	for {
		id := t.slots[i]
		if id == 0 || strs[id] == s {
			return i
		}
		i = (i + 1) & mask
	}
}

// sized is a table for strs' ids with room for at least n strings.
func sized(a *arena, strs []string, n int) strTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	t := strTable{slots: grow[uint32](a, nil, size)[:size], seed: maphash.MakeSeed()}
	for id := 1; id < len(strs); id++ {
		t.slots[t.find(strs, strs[id])] = uint32(id)
		t.n++
	}
	return t
}
