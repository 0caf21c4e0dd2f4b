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
}

// NewRecorder records into h on world w.
func NewRecorder(w *sim.World, h *history.History) *Recorder { return &Recorder{w: w, h: h} }

// History is the history being written.
func (r *Recorder) History() *history.History { return r.h }

// Add stamps rec with the current time and appends it.
func (r *Recorder) Add(rec history.Record) {
	rec.At = r.w.Now().Duration()
	seq := r.h.Add(rec)
	text := string(rec.Kind) + " #" + strconv.FormatInt(seq, 10)
	if rec.Key != "" {
		text += " key=" + rec.Key
	}
	if rec.Broker != "" {
		text += " " + rec.Broker + "/" + rec.Topic + "/" + strconv.Itoa(rec.QueueID)
		switch rec.Kind {
		case history.OffsetCommit, history.OffsetRead:
			text += " offset=" + strconv.FormatInt(rec.Offset, 10)
		case history.Pull:
			text += " from=" + strconv.FormatInt(rec.QueueOffset, 10) + " next=" + strconv.FormatInt(rec.NextOffset, 10)
		default:
			text += "@" + strconv.FormatInt(rec.QueueOffset, 10)
		}
	}
	if rec.Status != "" {
		text += " status=" + rec.Status
	}
	if rec.Target != "" {
		text += " target=" + rec.Target
	}
	if rec.NameServer != "" {
		text += " ns=" + rec.NameServer
	}
	if rec.Detail != "" {
		text += " (" + strings.ReplaceAll(rec.Detail, "\n", "\\n") + ")"
	}
	if rec.Err != "" {
		// Java exception texts carry "\nSee <FAQ url>": one trace line each.
		text += " err=" + strings.ReplaceAll(rec.Err, "\n", "\\n")
	}
	r.w.Trace("record", rec.Proc, text)
	for _, fn := range r.watches {
		fn(&r.h.Records[seq])
	}
}

// Watch calls fn with every record right after it is added, inside the
// same event (the scenario runner starts a step when a program exits).
// fn must not change the record; to act, it schedules with World.At.
func (r *Recorder) Watch(fn func(*history.Record)) { r.watches = append(r.watches, fn) }
