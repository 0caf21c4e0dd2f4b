package history

import (
	"encoding/binary"
	"iter"
	"math/bits"
	"runtime"
	"slices"
	"sort"
	"time"
	"unsafe"
)

// History is an append-only list of records, kept packed: a record is
// written once as a few bytes (a mask of the fields it has, then each of
// them as a varint; strings as ids into one table of the distinct strings
// of the run, so a key, a msgId or a process name is stored once however
// many records name it; Msgs, Queues and Counts as indexes into side
// tables holding the slices and maps given). The bytes hold no pointer,
// so the garbage collector never scans them, and a record costs tens of
// bytes instead of the 400 of a Record value. A long run's bytes (New
// with 2^20 records or more) live outside the Go heap altogether, in an
// arena (offheap.go), so that they do not pace the collector either.
//
// Read records with Len and Record, or range over All; each gives a
// Record value equal to the one appended (the slices and maps are the
// ones given, shared: records are never changed).
type History struct {
	chunks [][]byte // full chunks, then the one being written
	firsts []int    // index of the first record of each chunk
	offs   []uint32 // each record's offset inside its chunk
	kinds  []uint8  // each record's Kind, an index into kindNames (kindOther past them)
	names  []Kind   // kindNames: the distinct kinds, first seen first

	strs []string // every distinct string; 0 is ""
	ids  strTable // strs' index; no slots after Seal
	msgs [][]MsgRef
	qs   [][]QueueRef
	cnts []map[string]int64

	cache idCache
	mem   *arena // where chunks, offs and kinds live; nil: the heap
}

// chunkSize is how many bytes a chunk holds; a packed record is far
// smaller (at most maxPacked), so records never straddle chunks and a
// chunk, once full, is never copied again.
const chunkSize = 1 << 20

// maxPacked bounds one packed record: the mask and 32 varints.
const maxPacked = binary.MaxVarintLen32 + 32*binary.MaxVarintLen64

// The bits of a packed record's field mask, in encoding order.
const (
	fSeq = iota // Seq differs from the record's index (zigzag delta)
	fAt
	fStart
	fKind
	fProc
	fKey
	fIndex
	fMsgID
	fOffsetMsgID
	fTopic
	fGroup
	fBroker
	fBrokerAddr
	fQueueID
	fQueueOffset
	fCommitLogOffset
	fStoreSize
	fAttempt
	fStatus
	fErr
	fNameServer
	fRouteAge
	fRoute
	fMsgs
	fNextOffset
	fOffset
	fQueues
	fCounts
	fTarget
	fDetail
	fCallSeq
	fStaleSince
)

// kindOther marks a record whose Kind is past the first 255 distinct
// ones (only a hand-made history has so many): AllOf decodes it to see.
const kindOther = 255

// kindIndex is k's index in h.names, adding it if new.
func (h *History) kindIndex(k Kind) uint8 {
	for i, n := range h.names {
		if n == k {
			return uint8(i)
		}
	}
	if len(h.names) == kindOther {
		return kindOther
	}
	h.names = append(h.names, k)
	return uint8(len(h.names) - 1)
}

// New is an empty history with room for about n records.
func New(n int) *History {
	h := &History{}
	if n >= offHeapMin {
		h.mem = newArena(h)
	}
	h.offs = grow(h.mem, h.offs, n)
	h.kinds = grow(h.mem, h.kinds, n)
	// A message leaves about four records and three distinct strings
	// (key, msgId, offset msgId; see Seal): sizing the string table for
	// them up front spares the map its rehashes, which cost ~3 % of a
	// 100k-message run's CPU.
	h.strs = make([]string, 1, max(n/4, 16))
	h.ids = sized(h.mem, h.strs, n/4)
	return h
}

// Of is a history holding rs as given (Seq included): hand-made
// histories for the judges' tests.
func Of(rs ...Record) *History {
	h := New(len(rs))
	for i := range rs {
		h.appendRecord(&rs[i])
	}
	return h
}

// Add appends r, assigning its Seq, and returns that Seq.
func (h *History) Add(r Record) int64 { return h.AddRecord(&r) }

// AddRecord is Add for a record the caller holds: it sets r.Seq and
// appends *r. A Record is ~400 bytes, and the recorder, which writes one
// for nearly every event, would otherwise copy it once more for each of
// Add and Append.
func (h *History) AddRecord(r *Record) int64 {
	r.Seq = int64(len(h.offs))
	h.appendRecord(r)
	return r.Seq
}

// Append appends r keeping its Seq (ReadJSONL, Of).
func (h *History) Append(r Record) { h.appendRecord(&r) }

func (h *History) appendRecord(r *Record) {
	if len(h.chunks) == 0 || chunkSize-len(h.chunks[len(h.chunks)-1]) < maxPacked {
		h.chunks = append(h.chunks, h.mem.bytes(chunkSize)[:0])
		h.firsts = append(h.firsts, len(h.offs))
	}
	c := &h.chunks[len(h.chunks)-1]
	h.offs = appendTo(h.mem, h.offs, uint32(len(*c)))
	h.kinds = appendTo(h.mem, h.kinds, h.kindIndex(r.Kind))
	*c = h.pack(*c, r, int64(len(h.offs)-1))
	runtime.KeepAlive(h) // the arena's bytes were written until here
}

// Seal frees what only appending needs: the cache of recently packed
// strings. Call it when the run has ended. The index from each distinct
// string to its id stays (4 bytes a slot, at most half full: ~8 bytes a
// string, three strings a message), because Lookup reads it: a judge
// keyed by ids finds a string that no record field hands it an id for
// (a pulled message's key) there.
func (h *History) Seal() {
	h.cache = idCache{}
}

// Strings is how many ids the history has given, "" (id 0) included: a
// slice indexed by ID needs this length.
func (h *History) Strings() int {
	if h == nil {
		return 0
	}
	return max(len(h.strs), 1)
}

// Str is the string with id id (0 ≤ id < Strings()).
func (h *History) Str(id ID) string {
	if id == 0 {
		return ""
	}
	return h.strs[id]
}

// Lookup is s's id, and false if no string field of the history's
// records holds s (a Pull's message list is not such a field: its keys
// are kept as given, not interned). The empty string is id 0, always
// there.
func (h *History) Lookup(s string) (ID, bool) {
	if s == "" {
		return 0, true
	}
	if h == nil || h.ids.n == 0 {
		return 0, false
	}
	i, _ := h.ids.find(h.strs, s)
	e := h.ids.slots[i]
	runtime.KeepAlive(h) // slots may be the arena's
	if e == 0 {
		return 0, false
	}
	return ID(e & h.ids.idMask()), true
}

// Len is the number of records.
func (h *History) Len() int {
	if h == nil {
		return 0
	}
	return len(h.offs)
}

// Record is record i (0 ≤ i < Len()).
func (h *History) Record(i int) Record {
	c := sort.Search(len(h.firsts), func(c int) bool { return h.firsts[c] > i }) - 1
	return h.unpack(h.chunks[c][h.offs[i]:], int64(i))
}

// At is record i's At, decoding nothing else.
func (h *History) At(i int) time.Duration {
	u, _ := h.field(i, fAt)
	return time.Duration(unzig(u))
}

// Seq is record i's Seq, decoding nothing else.
func (h *History) Seq(i int) int64 {
	u, _ := h.field(i, fSeq)
	return int64(i) + unzig(u)
}

// Key is record i's Key, decoding only the fields packed before it.
func (h *History) Key(i int) string {
	u, ok := h.field(i, fKey)
	if !ok {
		return ""
	}
	return h.strs[u]
}

// Stamp is record i's Seq, At and Key in one walk of its packed fields
// (they come first), decoding nothing else: what validating a history
// reads of every record.
func (h *History) Stamp(i int) (seq int64, at time.Duration, key string) {
	b := h.head(i)
	m, p := uvarint(b, 0)
	var vals [fKey + 1]uint64
	for bit := range fKey + 1 {
		if m&(1<<bit) != 0 {
			vals[bit], p = uvarint(b, p)
		}
	}
	runtime.KeepAlive(h) // b may be the arena's
	return int64(i) + unzig(vals[fSeq]), time.Duration(unzig(vals[fAt])), h.strs[vals[fKey]]
}

// field is the packed value of field f of record i (every field is one
// uvarint, present when its bit of the record's mask is set), skipping
// the fields before it; ok is false when the record has no field f.
func (h *History) field(i, f int) (u uint64, ok bool) {
	b := h.head(i)
	m, p := uvarint(b, 0)
	if m&(1<<f) == 0 {
		return 0, false
	}
	for bit := range f {
		if m&(1<<bit) != 0 {
			_, p = uvarint(b, p)
		}
	}
	u, _ = uvarint(b, p)
	runtime.KeepAlive(h) // b may be the arena's
	return u, true
}

// head is the packed bytes of record i onwards.
func (h *History) head(i int) []byte {
	c := sort.Search(len(h.firsts), func(c int) bool { return h.firsts[c] > i }) - 1
	return h.chunks[c][h.offs[i]:]
}

// Last is the last record; ok is false for an empty history.
func (h *History) Last() (r Record, ok bool) {
	if h.Len() == 0 {
		return r, false
	}
	return h.Record(h.Len() - 1), true
}

// All yields every record with its index, in order.
func (h *History) All() iter.Seq2[int, Record] {
	return func(yield func(int, Record) bool) {
		for c, chunk := range h.chunks {
			end := len(h.offs)
			if c+1 < len(h.firsts) {
				end = h.firsts[c+1]
			}
			for i := h.firsts[c]; i < end; i++ {
				if !yield(i, h.unpack(chunk[h.offs[i]:], int64(i))) {
					return
				}
			}
		}
	}
}

// AllOf yields, in order, the records of the given kinds with their
// indexes, decoding no other record: the judges' passes that look at a
// few kinds pay for those alone.
func (h *History) AllOf(kinds ...Kind) iter.Seq2[int, Record] {
	var want [256]bool
	for _, k := range kinds {
		for i, n := range h.names {
			if n == k {
				want[i] = true
			}
		}
	}
	want[kindOther] = true
	return func(yield func(int, Record) bool) {
		for c, chunk := range h.chunks {
			end := len(h.offs)
			if c+1 < len(h.firsts) {
				end = h.firsts[c+1]
			}
			for i := h.firsts[c]; i < end; i++ {
				if !want[h.kinds[i]] {
					continue
				}
				r := h.unpack(chunk[h.offs[i]:], int64(i))
				if h.kinds[i] == kindOther && !slices.Contains(kinds, r.Kind) {
					continue
				}
				if !yield(i, r) {
					return
				}
			}
		}
	}
}

// Count is how many records have one of the given kinds, decoding none
// (but a record past the first 255 distinct kinds): the judges size
// their tables from it up front instead of growing them record by
// record.
func (h *History) Count(kinds ...Kind) int {
	var want [256]bool
	for _, k := range kinds {
		for i, n := range h.names {
			if n == k {
				want[i] = true
			}
		}
	}
	n := 0
	for i, k := range h.kinds {
		switch {
		case k == kindOther:
			if slices.Contains(kinds, h.Record(i).Kind) {
				n++
			}
		case want[k]:
			n++
		}
	}
	runtime.KeepAlive(h) // kinds may be the arena's
	return n
}

// Kind is record i's Kind, without decoding the record.
func (h *History) Kind(i int) Kind {
	if k := h.kinds[i]; k != kindOther {
		return h.names[k]
	}
	return h.Record(i).Kind
}

// Records is every record as a slice of values (tests and small
// histories; a long run's slice is large).
func (h *History) Records() []Record {
	out := make([]Record, 0, h.Len())
	for _, r := range h.All() {
		out = append(out, r)
	}
	return out
}

// idCache remembers the ids of recently packed strings by where their
// bytes are: the model hands the same string (a process name, a topic,
// a key) to record after record, and comparing a pointer is cheaper than
// hashing the bytes. An entry holds a real pointer, so the bytes it names
// stay alive and cannot be reused by another string while cached; and
// Go strings are immutable (nothing in this module builds one over bytes
// it later changes, which only package unsafe could do). Ids
// are assigned in first-seen order either way: the cache changes speed,
// never output.
type idCache [1 << cacheBits]struct {
	p  *byte
	n  int
	id uint32
}

// cacheSlot is where the string at p of length n is cached: the top
// bits of a Fibonacci hash of the address. The address's own low bits
// would do poorly: literals and small allocations sit a few bytes apart
// in a few regions, and strings a record hands over together (a group,
// a topic, "oneway") then share slots and evict one another record
// after record.
func cacheSlot(p *byte, n int) int {
	return int((uint64(uintptr(unsafe.Pointer(p))) ^ uint64(n)<<48) * 0x9e3779b97f4a7c15 >> (64 - cacheBits))
}

// cacheBits is log2 of the cache's entries.
const cacheBits = 8

func (h *History) id(s string) uint64 {
	p := unsafe.StringData(s)
	e := &h.cache[cacheSlot(p, len(s))]
	if e.p == p && e.n == len(s) {
		return uint64(e.id)
	}
	id := h.intern(s)
	e.p, e.n, e.id = p, len(s), uint32(id)
	return id
}

func (h *History) intern(s string) uint64 {
	if s == "" {
		return 0
	}
	if len(h.strs) == 0 { // the zero History
		h.strs = []string{""}
	}
	if 2*(h.ids.n+1) > len(h.ids.slots) { // the zero History has no table yet, or it is half full
		old := h.ids.slots
		h.ids = sized(h.mem, h.strs, 2*len(h.strs))
		h.mem.free(byteView(old))
	}
	i, tag := h.ids.find(h.strs, s)
	if e := h.ids.slots[i]; e != 0 {
		return uint64(e & h.ids.idMask())
	}
	// The check above keeps the table at most half full, so the new id
	// (h.ids.n+1) is below len(slots) and leaves the tag's bits free.
	id := uint32(len(h.strs))
	h.strs = append(h.strs, s)
	h.ids.slots[i] = id | tag
	h.ids.n++
	return uint64(id)
}

func zig(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzig(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// pack appends r's packed form to b; i is the record's index.
func (h *History) pack(b []byte, r *Record, i int64) []byte {
	var mask uint32
	var vals [32]uint64
	num := func(bit int, v int64) {
		if v != 0 {
			mask |= 1 << bit
			vals[bit] = zig(v)
		}
	}
	str := func(bit int, s string) {
		if s != "" {
			mask |= 1 << bit
			vals[bit] = h.id(s)
		}
	}
	num(fSeq, r.Seq-i)
	num(fAt, int64(r.At))
	num(fStart, int64(r.Start))
	str(fKind, string(r.Kind))
	str(fProc, r.Proc)
	str(fKey, r.Key)
	num(fIndex, int64(r.Index))
	str(fMsgID, r.MsgID)
	str(fOffsetMsgID, r.OffsetMsgID)
	str(fTopic, r.Topic)
	str(fGroup, r.Group)
	str(fBroker, r.Broker)
	str(fBrokerAddr, r.BrokerAddr)
	num(fQueueID, int64(r.QueueID))
	num(fQueueOffset, r.QueueOffset)
	num(fCommitLogOffset, r.CommitLogOffset)
	num(fStoreSize, int64(r.StoreSize))
	num(fAttempt, int64(r.Attempt))
	str(fStatus, r.Status)
	str(fErr, r.Err)
	str(fNameServer, r.NameServer)
	num(fRouteAge, int64(r.RouteAge))
	str(fRoute, r.Route)
	if r.Msgs != nil {
		mask |= 1 << fMsgs
		vals[fMsgs] = uint64(len(h.msgs))
		h.msgs = append(h.msgs, r.Msgs)
	}
	num(fNextOffset, r.NextOffset)
	num(fOffset, r.Offset)
	if r.Queues != nil {
		mask |= 1 << fQueues
		vals[fQueues] = uint64(len(h.qs))
		h.qs = append(h.qs, r.Queues)
	}
	if r.Counts != nil {
		mask |= 1 << fCounts
		vals[fCounts] = uint64(len(h.cnts))
		h.cnts = append(h.cnts, r.Counts)
	}
	str(fTarget, r.Target)
	str(fDetail, r.Detail)
	num(fCallSeq, r.CallSeq)
	num(fStaleSince, int64(r.StaleSince))
	b = binary.AppendUvarint(b, uint64(mask))
	for bit := 0; mask != 0; bit, mask = bit+1, mask>>1 {
		if mask&1 != 0 {
			b = binary.AppendUvarint(b, vals[bit])
		}
	}
	return b
}

// uvarint decodes the varint at b[p:], returning it and the position
// after it (encoding/binary's format, without its overflow checks: the
// bytes are this package's own).
func uvarint(b []byte, p int) (uint64, int) {
	c := b[p]
	if c < 0x80 {
		return uint64(c), p + 1
	}
	v := uint64(c & 0x7f)
	for s := uint(7); ; s += 7 {
		p++
		c = b[p]
		if c < 0x80 {
			return v | uint64(c)<<s, p + 1
		}
		v |= uint64(c&0x7f) << s
	}
}

// unpack decodes the record at the start of b; i is its index. It
// returns the record by value so that its stores go to the caller's
// frame, without write barriers.
func (h *History) unpack(b []byte, i int64) (r Record) {
	m, p := uvarint(b, 0)
	mask := uint32(m)
	r.Seq = i
	strs := h.strs
	for mask != 0 {
		bit := bits.TrailingZeros32(mask)
		mask &= mask - 1
		var u uint64
		u, p = uvarint(b, p)
		switch bit {
		case fSeq:
			r.Seq = i + unzig(u)
		case fAt:
			r.At = time.Duration(unzig(u))
		case fStart:
			r.Start = time.Duration(unzig(u))
		case fKind:
			r.Kind = Kind(strs[u])
		case fProc:
			r.Proc = strs[u]
		case fKey:
			r.Key, r.KeyRef = strs[u], ID(u)
		case fIndex:
			r.Index = int(unzig(u))
		case fMsgID:
			r.MsgID, r.MsgIDRef = strs[u], ID(u)
		case fOffsetMsgID:
			r.OffsetMsgID = strs[u]
		case fTopic:
			r.Topic = strs[u]
		case fGroup:
			r.Group = strs[u]
		case fBroker:
			r.Broker = strs[u]
		case fBrokerAddr:
			r.BrokerAddr = strs[u]
		case fQueueID:
			r.QueueID = int(unzig(u))
		case fQueueOffset:
			r.QueueOffset = unzig(u)
		case fCommitLogOffset:
			r.CommitLogOffset = unzig(u)
		case fStoreSize:
			r.StoreSize = int(unzig(u))
		case fAttempt:
			r.Attempt = int(unzig(u))
		case fStatus:
			r.Status = strs[u]
		case fErr:
			r.Err = strs[u]
		case fNameServer:
			r.NameServer = strs[u]
		case fRouteAge:
			r.RouteAge = time.Duration(unzig(u))
		case fRoute:
			r.Route = strs[u]
		case fMsgs:
			r.Msgs = h.msgs[u]
		case fNextOffset:
			r.NextOffset = unzig(u)
		case fOffset:
			r.Offset = unzig(u)
		case fQueues:
			r.Queues = h.qs[u]
		case fCounts:
			r.Counts = h.cnts[u]
		case fTarget:
			r.Target = strs[u]
		case fDetail:
			r.Detail = strs[u]
		case fCallSeq:
			r.CallSeq = unzig(u)
		case fStaleSince:
			r.StaleSince = time.Duration(unzig(u))
		}
	}
	runtime.KeepAlive(h) // b may be the arena's
	return r
}
