package check

import "hash/maphash"

// front is a small cache in front of one of the judges' large maps keyed
// by message key or msgId. A message's records come close together in a
// history (its send, attempt, stored copies, return, delivery), while
// the map holding every message of a long run is tens of megabytes, so
// that a lookup in it is a cache miss or two; the front's slots, a few
// kilobytes, stay in the processor's cache. An entry is a pair the map
// held when it was put, so only a map whose entries are never removed
// or changed may be fronted: then the front changes speed, never what a
// lookup finds. The hash seed is random and, likewise, moves slots only.
type front[V any] struct {
	seed  maphash.Seed
	slots [frontSlots]frontEntry[V]
}

type frontEntry[V any] struct {
	key string
	v   V
	set bool
}

// frontSlots is how many entries a front holds: more than the messages
// a long run has in flight between their first and last records.
const frontSlots = 1024

func newFront[V any]() *front[V] { return &front[V]{seed: maphash.MakeSeed()} }

// slot is where key is or would be; the caller checks e.set && e.key ==
// key, and fills the slot after a miss.
func (f *front[V]) slot(key string) *frontEntry[V] {
	return &f.slots[maphash.String(f.seed, key)&(frontSlots-1)]
}
