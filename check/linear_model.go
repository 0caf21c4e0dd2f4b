package check

import (
	"fmt"
	"strings"

	"github.com/anishathalye/porcupine"

	"rmqsim/history"
)

// logNode is one entry of an immutable queue log: a persistent list that
// shares its prefix with every earlier state, so an append is O(1) and a
// state is never mutated (porcupine's Step must be pure). n is the log's
// length up to and including this entry; h the hash of those n keys.
type logNode struct {
	key  string
	prev *logNode
	n    int64
	h    uint64
}

// lstate is the model state of one partition: a queue log (log), or a
// committed offset (set, off). Its zero value is the initial state of
// both: an empty log, no offset committed.
type lstate struct {
	log *logNode
	set bool
	off int64
}

func (s lstate) length() int64 {
	if s.log == nil {
		return 0
	}
	return s.log.n
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (s lstate) logHash() uint64 {
	if s.log == nil {
		return fnvOffset
	}
	return s.log.h
}

// push appends key: O(1), sharing the old log.
func (s lstate) push(key string) lstate {
	h := s.logHash()
	for i := 0; i < len(key); i++ {
		h = (h ^ uint64(key[i])) * fnvPrime
	}
	h = (h ^ 0xff) * fnvPrime // end of key
	s.log = &logNode{key: key, prev: s.log, n: s.length() + 1, h: h}
	return s
}

// node returns the entry ending a log of length n (nil for 0).
func (s lstate) node(n int64) *logNode {
	p := s.log
	for p != nil && p.n > n {
		p = p.prev
	}
	return p
}

// hash is the state's hash; Equal states hash equal, because the log hash
// is a function of the key sequence alone.
func (s lstate) hash() uint64 {
	h := s.logHash()
	if s.set {
		h ^= uint64(s.off)*fnvPrime + 1
	}
	return h
}

func (s lstate) equal(t lstate) bool {
	if s.set != t.set || s.off != t.off || s.length() != t.length() || s.logHash() != t.logHash() {
		return false
	}
	for a, b := s.log, t.log; a != b; a, b = a.prev, b.prev {
		if a.key != b.key {
			return false
		}
	}
	return true
}

// Operations of the model. An operation holds pointers to them (the
// builder's slabs, boxes), but for the empty fetchIn and noOut, which
// are values; outputs are never nil.
type (
	// appendIn: a send attempt appending Key; appendOut its queue
	// offset, if the send returned one.
	appendIn  struct{ key string }
	appendOut struct {
		offset int64
		known  bool
	}
	// readIn: a pull from offset; readOut the broker's answer.
	readIn  struct{ offset int64 }
	readOut struct {
		status string
		msgs   []history.MsgRef
	}
	// truncIn: the broker lost everything from offset on (a Lost record
	// on a master copy); commitIn: an offset commit; fetchIn: an offset
	// read, fetchOut its answer (-1: none).
	truncIn  struct{ offset int64 }
	commitIn struct{ offset int64 }
	fetchIn  struct{}
	fetchOut struct{ offset int64 }
	noOut    struct{}
)

// step is the sequential specification: an append-only log with declared
// losses, and a register.
func step(state, in, out any) (bool, any) {
	s := state.(lstate)
	switch in := in.(type) {
	case *appendIn:
		o := out.(*appendOut)
		if o.known && o.offset != s.length() {
			return false, s
		}
		return true, s.push(in.key)
	case *readIn:
		return readOK(s, in.offset, out.(*readOut)), s
	case *truncIn:
		if in.offset < s.length() {
			s.log = s.node(max(in.offset, 0))
		}
		return true, s
	case *commitIn:
		s.set, s.off = true, in.offset
		return true, s
	case fetchIn:
		v := out.(*fetchOut).offset
		if s.set {
			return v == s.off, s
		}
		return v == -1 || v == 0, s // no offset: 22, or 0 for a fresh queue (§2.5)
	}
	panic(fmt.Sprintf("check: unknown model input %T", in))
}

// readOK is whether a pull from off answered by out fits log s. FOUND
// must return consecutive offsets from off (no tag filtering, doc.go),
// each holding its key; NO_NEW_MSG means the log ends at or before off;
// OFFSET_ILLEGAL that off lies beyond the end. Other answers say nothing.
func readOK(s lstate, off int64, out *readOut) bool {
	n := s.length()
	switch out.status {
	case "FOUND":
		if len(out.msgs) == 0 {
			return true
		}
		end := off + int64(len(out.msgs))
		if off < 0 || end > n {
			return false
		}
		p := s.node(end)
		for i := len(out.msgs) - 1; i >= 0; i-- {
			if out.msgs[i].Offset != off+int64(i) || p.key != out.msgs[i].Key {
				return false
			}
			p = p.prev
		}
		return true
	case "NO_NEW_MSG":
		return n <= off
	case "OFFSET_ILLEGAL":
		return off < 0 || off > n
	}
	return true
}

// opMeta ties an operation to its records, for reasons and the
// visualisation.
type opMeta struct {
	part  int
	proc  string
	seqs  []int64
	slave bool
}

func (m *opMeta) String() string {
	refs := make([]string, len(m.seqs))
	for i, s := range m.seqs {
		refs[i] = fmt.Sprintf("#%d", s)
	}
	s := fmt.Sprintf("by %s, records %s", m.proc, strings.Join(refs, " "))
	if m.slave {
		s += ", served by a slave"
	}
	return s
}

// model is the porcupine model; Partition splits by opMeta.part (used
// only for the combined visualisation run).
func model(parts int) porcupine.Model {
	return porcupine.Model{
		Partition: func(ops []porcupine.Operation) [][]porcupine.Operation {
			out := make([][]porcupine.Operation, parts)
			for _, op := range ops {
				p := op.Metadata.(*opMeta).part
				out[p] = append(out[p], op)
			}
			return out
		},
		Init:                      func() any { return lstate{} },
		Step:                      step,
		Equal:                     func(a, b any) bool { return a.(lstate).equal(b.(lstate)) },
		Hash:                      func(s any) uint64 { return s.(lstate).hash() },
		DescribeOperation:         describeOp,
		DescribeState:             describeState,
		DescribeOperationMetadata: func(m any) string { return m.(*opMeta).String() },
	}
}

func describeOp(in, out any) string {
	switch in := in.(type) {
	case *appendIn:
		if o := out.(*appendOut); o.known {
			return fmt.Sprintf("append(%s) → %d", in.key, o.offset)
		}
		return fmt.Sprintf("append(%s) → ?", in.key)
	case *readIn:
		o := out.(*readOut)
		parts := make([]string, len(o.msgs))
		for i, m := range o.msgs {
			parts[i] = fmt.Sprintf("%d:%s", m.Offset, m.Key)
		}
		return fmt.Sprintf("read(%d) → %s [%s]", in.offset, o.status, strings.Join(parts, " "))
	case *truncIn:
		return fmt.Sprintf("broker lost offsets ≥ %d", in.offset)
	case *commitIn:
		return fmt.Sprintf("commit(%d)", in.offset)
	case fetchIn:
		return fmt.Sprintf("read offset → %d", out.(*fetchOut).offset)
	}
	return fmt.Sprintf("%v → %v", in, out)
}

// describeState shows a log's length and last three entries, or the
// committed offset.
func describeState(state any) string {
	s := state.(lstate)
	if s.set {
		return fmt.Sprintf("offset %d", s.off)
	}
	if s.log == nil {
		return "empty"
	}
	var tail []string
	for p := s.log; p != nil && len(tail) < 3; p = p.prev {
		tail = append([]string{fmt.Sprintf("%d:%s", p.n-1, p.key)}, tail...)
	}
	return fmt.Sprintf("len %d: …%s", s.log.n, strings.Join(tail, " "))
}
