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
	// console: the last view before the console went blank in E3 (or
	// the run's end) showed shown of E3's messages (its topic total less
	// the total at E3's start), at shownAt; consoleOK false if the
	// console showed nothing before E3 to compare with.
	shown     int64
	shownAt   time.Duration
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
	f.shown, f.shownAt, f.consoleOK = ev.consoleBeforeBlank(w.from)
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

// consoleBeforeBlank finds the console's last view before its first
// blank one from t on: how many more messages of the topic it showed than
// its last view before t, and when; false if it showed nothing before t.
func (ev *evidence) consoleBeforeBlank(t time.Duration) (int64, time.Duration, bool) {
	var base, last int64
	var lastAt time.Duration
	haveBase := false
	for _, rec := range ev.h.AllOf(history.Observe) {
		r := &rec
		if r.Kind != history.Observe {
			continue
		}
		n, ok := consoleTopic(r.Counts, ev.timeline.Topic, ev.timeline.Brokers)
		switch {
		case r.At < t && ok:
			base, last, lastAt, haveBase = n, n, r.At, true
		case r.At >= t && !ok:
			return last - base, lastAt, haveBase
		case r.At >= t:
			last, lastAt = n, r.At
		}
	}
	return last - base, lastAt, haveBase
}
