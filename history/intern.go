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

// A slot holds an id in its low bits and, above them, a tag: hash bits
// of the string the id names. The table has 2^k slots and is at most
// half full, so every id is below 2^k and the 32-k bits above are free.
// Comparing tags first spares most probes the two cache misses (the
// string header in strs, then its bytes) that comparing the string would
// cost: a run's keys and msgIds are all the same length, so a length
// check alone rejects nothing. With 2^32 slots the tag is empty and
// every probe compares strings, as before. Ids stay in first-seen order.

// idMask is the low bits of a slot that hold the id.
func (t *strTable) idMask() uint32 { return uint32(len(t.slots) - 1) }

// find is the slot where s is, or the empty slot where it would go, and
// the tag s's slot carries.
func (t *strTable) find(strs []string, s string) (int, uint32) {
	mask := len(t.slots) - 1
	idMask := uint32(mask)
	hv := maphash.String(t.seed, s)
	// The index uses the hash's low bits, the tag its high ones.
	tag := uint32(hv>>32) &^ idMask
	i := int(hv) & mask
	for {
		e := t.slots[i]
		if e == 0 || e&^idMask == tag && strs[e&idMask] == s {
			return i, tag
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
		i, tag := t.find(strs, strs[id])
		t.slots[i] = uint32(id) | tag
		t.n++
	}
	return t
}
