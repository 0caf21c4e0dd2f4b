package report

import (
	"time"

	"rmqsim/explain"
	"rmqsim/history"
)

// e3Facts is what the "only 367 sent" section reads from one run's step
// E3: its producer, how fast it sent, what the console last showed before
// it went blank, and when the last nameserver went down.
type e3Facts struct {
	// ok: the run has step E3 with a producer program in it.
	ok       bool
	producer program
	// firstCall is the producer's first send() call, lastAck its last
	// SEND_OK (hasCall false if it never called send()).
	firstCall, lastAck time.Duration
	hasCall            bool
	// console: at E3's end the page the person read E3 from (view)
	// showed shown of E3's messages (its figure less the previous step's
	// reading), read at shownAt, stale if a refresh had failed since;
	// consoleOK false if either reading showed nothing.
	view      string
	shown     int64
	shownAt   time.Duration
	stale     bool
	consoleOK bool
	// allDownAt is when every nameserver was down (allDown false if
	// that never happened), lastDown the nameserver that went down then.
	allDownAt time.Duration
	allDown   bool
	lastDown  string
	// stepStart is when step E3 began.
	stepStart time.Duration
}

// rate is the producer's acknowledged sends per second while it sent:
// SEND_OKs over the span from its first send() call to its last SEND_OK;
// false with fewer than 2 of them.
func (f *e3Facts) rate() (float64, bool) {
	span := f.lastAck - f.firstCall
	if !f.hasCall || f.producer.acked < 2 || span <= 0 {
		return 0, false
	}
	return float64(f.producer.acked) / span.Seconds(), true
}

// readE3Facts reads step E3 of a run whose programs are ps.
func readE3Facts(ev *evidence, ps []program) e3Facts {
	w := ev.stepWindow("E3")
	var f e3Facts
	for i := range ps {
		if ps[i].step == "E3" && ps[i].producer {
			f.producer, f.ok = ps[i], true
			break
		}
	}
	if !w.ok || !f.ok {
		return e3Facts{}
	}
	for _, rec := range ev.h.All() {
		r := &rec
		if r.Proc != f.producer.proc || r.At < f.producer.start {
			continue
		}
		switch {
		case r.Kind == history.SendCall && !f.hasCall:
			f.firstCall, f.hasCall = r.At, true
		case r.Kind == history.SendReturn && r.Status == "SEND_OK":
			f.lastAck = r.At
		}
	}
	before, after := ev.consoleAt("E2"), ev.consoleAt("E3")
	f.view, f.stale = after.view, after.stale
	if before.ok && after.ok {
		f.shown, f.shownAt, f.consoleOK = after.total-before.total, after.readAt, true
	}
	f.allDownAt, f.allDown, f.stepStart = ev.outage.from, ev.outage.ok, w.from
	for _, n := range ev.nodes {
		for _, o := range n.Outages {
			if n.Role == explain.RoleNameServer && f.allDown && o.From == f.allDownAt {
				f.lastDown = n.Host
			}
		}
	}
	return f
}
