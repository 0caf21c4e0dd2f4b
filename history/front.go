package history

import "hash/maphash"

// Front is a small cache in front of one of the judges' large maps keyed
// by a history's strings (message keys, msgIds). A message's records
// come close together in a history (its send, attempt, stored copies,
// return, delivery), while a map holding every message of a long run is
// tens of megabytes, so that a lookup in it is a cache miss or two; a
// Front's slots, a few kilobytes, stay in the processor's cache.
//
// An entry is a pair the map held when it was put, so only a map whose
// entries are never removed or changed may be fronted: then the Front
// changes speed, never what a lookup finds. The hash seed is random and,
// likewise, moves slots only.
type Front[V any] struct {
	seed  maphash.Seed
	slots [frontSlots]struct {
		key string
		v   V
		set bool
	}
}

// frontSlots is how many entries a Front holds: more than the messages
// a long run has in flight between their first and last records.
const frontSlots = 1024

// NewFront is an empty Front.
func NewFront[V any]() *Front[V] { return &Front[V]{seed: maphash.MakeSeed()} }

// Get is key's value: the cached one, else lookup(key) (the map's),
// which it then caches in key's slot.
func (f *Front[V]) Get(key string, lookup func(string) V) V {
	e := &f.slots[maphash.String(f.seed, key)&(frontSlots-1)]
	if e.set && e.key == key {
		return e.v
	}
	e.key, e.v, e.set = key, lookup(key), true
	return e.v
}
