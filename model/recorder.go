package model

import (
	"strconv"
	"strings"

	"rmqsim/history"
	"rmqsim/sim"
)

// Recorder appends history records stamped with virtual time, and mirrors
// each as a trace line ("record" kind) so the trace hash covers them.
type Recorder struct {
	w       *sim.World
	h       *history.History
	watches []func(*history.Record)
	buf     []byte         // describe's reused line buffer
	last    history.Record // the record the watches see
}

// NewRecorder records into h on world w.
func NewRecorder(w *sim.World, h *history.History) *Recorder { return &Recorder{w: w, h: h} }

// History is the history being written.
func (r *Recorder) History() *history.History { return r.h }

// Add stamps rec with the current time and appends it.
func (r *Recorder) Add(rec history.Record) {
	rec.At = r.w.Now().Duration()
	// rec is already this call's own copy: AddRecord packs it in place
	// (setting its Seq) rather than copying ~400 bytes twice more.
	seq := r.h.AddRecord(&rec)
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
