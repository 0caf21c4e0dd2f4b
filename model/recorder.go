package model

import (
	"strconv"
	"strings"

	"rmqsim/history"
	"rmqsim/par"
	"rmqsim/sim"
)

// Recorder appends history records stamped with virtual time, and mirrors
// each as a trace line ("record" kind) so the trace hash covers them.
//
// When the world has a core to spare (sim.Config.SpareCore), records are
// packed into the history on other goroutines, a batch at a time, while
// the world goes on: packing (interning every string, a hash probe and
// the cache misses of a million keys) was 28 % of a long run's event
// loop. The records, their order and their Seqs are those packing each
// at once gives; the world's goroutine numbers them, and touches the
// history only through History, which waits for every batch first. The
// goroutines are par.Start's: the model starts none of its own, and no
// node's state machine sees any of this.
type Recorder struct {
	w       *sim.World
	h       *history.History
	watches []func(*history.Record)
	buf     []byte         // describe's reused line buffer
	last    history.Record // the record the watches see

	// Packing behind (SpareCore): next is the Seq of the next record;
	// batch the records not handed over yet; inFlight, when not nil,
	// reports whether the batch being packed got other Seqs than it was
	// numbered with (it never should); spare is that batch's buffer.
	behind   bool
	next     int64
	batch    []history.Record
	spare    []history.Record
	inFlight *par.Later[bool]
}

// batchLen is how many records are handed over to be packed at once
// (~0.4 KB each): enough that a goroutine's start is nothing beside
// packing them.
const batchLen = 2048

// NewRecorder records into h on world w.
func NewRecorder(w *sim.World, h *history.History) *Recorder {
	r := &Recorder{w: w, h: h, behind: w.SpareCore(), next: int64(h.Len())}
	if r.behind {
		r.batch = make([]history.Record, 0, batchLen)
	}
	return r
}

// History is the history being written, with every record added so far.
func (r *Recorder) History() *history.History {
	r.Flush()
	return r.h
}

// Flush waits for the batch being packed and packs the rest: after it,
// the history holds every record added.
func (r *Recorder) Flush() {
	r.settle()
	for i := range r.batch {
		r.h.AddRecord(&r.batch[i])
	}
	clear(r.batch)
	r.batch = r.batch[:0]
}

// settle waits for the batch in flight, if any.
func (r *Recorder) settle() {
	if r.inFlight == nil {
		return
	}
	renumbered := r.inFlight.Wait()
	r.inFlight = nil
	if renumbered {
		panic("model: Recorder: a record packed behind got another Seq than the one it was traced with")
	}
}

// handOff packs the full batch on another goroutine, after the batch
// before it is done, and takes that one's buffer for the next records.
func (r *Recorder) handOff() {
	r.settle()
	full, h := r.batch, r.h
	r.inFlight = par.Start(func() bool {
		renumbered := false
		for i := range full {
			want := full[i].Seq
			renumbered = h.AddRecord(&full[i]) != want || renumbered
		}
		clear(full) // let go of the records' strings and slices
		return renumbered
	})
	if r.spare == nil {
		r.spare = make([]history.Record, 0, batchLen)
	}
	r.batch, r.spare = r.spare[:0], full
}

// Add stamps rec with the current time and appends it.
func (r *Recorder) Add(rec history.Record) {
	rec.At = r.w.Now().Duration()
	var seq int64
	if r.behind {
		seq = r.next
		r.next++
		rec.Seq = seq
	} else {
		// rec is already this call's own copy: AddRecord packs it in place
		// (setting its Seq) rather than copying ~400 bytes twice more.
		seq = r.h.AddRecord(&rec)
	}
	r.w.TraceBytes("record", rec.Proc, r.describe(&rec, seq))
	if len(r.watches) > 0 {
		// A field, not &rec: a pointer to rec handed to a func value
		// would move every record to the heap.
		r.last = rec
		r.last.Seq = seq
		for _, fn := range r.watches {
			fn(&r.last)
		}
	}
	if r.behind {
		r.batch = append(r.batch, rec)
		if len(r.batch) == batchLen {
			r.handOff()
		}
	}
}

// describe is a record's trace text, built in the recorder's reused
// buffer (one line per record, so no string concatenation on this path):
// "<kind> #<seq> key=… <broker>/<topic>/<queue>@<offset> status=… (detail)
// err=…", newlines in detail and error escaped (Java exception texts carry
// "\nSee <FAQ url>").
func (r *Recorder) describe(rec *history.Record, seq int64) []byte {
	b := append(r.buf[:0], rec.Kind...)
	b = append(b, " #"...)
	b = strconv.AppendInt(b, seq, 10)
	if rec.Key != "" {
		b = append(append(b, " key="...), rec.Key...)
	}
	if rec.Broker != "" {
		b = append(append(b, ' '), rec.Broker...)
		b = append(append(b, '/'), rec.Topic...)
		b = strconv.AppendInt(append(b, '/'), int64(rec.QueueID), 10)
		switch rec.Kind {
		case history.OffsetCommit, history.OffsetRead:
			b = strconv.AppendInt(append(b, " offset="...), rec.Offset, 10)
		case history.Pull:
			b = strconv.AppendInt(append(b, " from="...), rec.QueueOffset, 10)
			b = strconv.AppendInt(append(b, " next="...), rec.NextOffset, 10)
		default:
			b = strconv.AppendInt(append(b, '@'), rec.QueueOffset, 10)
		}
	}
	if rec.Status != "" {
		b = append(append(b, " status="...), rec.Status...)
	}
	if rec.Target != "" {
		b = append(append(b, " target="...), rec.Target...)
	}
	if rec.NameServer != "" {
		b = append(append(b, " ns="...), rec.NameServer...)
	}
	if rec.Detail != "" {
		b = append(appendEscaped(append(b, " ("...), rec.Detail), ')')
	}
	if rec.Err != "" {
		b = appendEscaped(append(b, " err="...), rec.Err)
	}
	r.buf = b
	return b
}

// appendEscaped appends s with each newline written as "\n".
func appendEscaped(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return append(b, s...)
		}
		b = append(append(b, s[:i]...), `\n`...)
		s = s[i+1:]
	}
}

// Watch calls fn with every record right after it is added, inside the
// same event (the scenario runner starts a step when a program exits).
// fn must not change the record; to act, it schedules with World.At.
func (r *Recorder) Watch(fn func(*history.Record)) { r.watches = append(r.watches, fn) }
