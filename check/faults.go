package check

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"rmqsim/history"
)

// validate checks the structure the judges rely on: Seq strictly
// increasing, At never decreasing, in slice order, and a Key on every
// record about one message.
func validate(h *history.History) error {
	if h == nil {
		return fmt.Errorf("check: nil history")
	}
	// Each record's Seq, At, Kind and Key alone, none decoded whole.
	var pSeq int64
	var pAt time.Duration
	for i := range h.Len() {
		seq, at, key := h.Stamp(i)
		if i > 0 && seq <= pSeq {
			return fmt.Errorf("check: record %d (seq %d): seq not after previous seq %d", i, seq, pSeq)
		}
		if i > 0 && at < pAt {
			return fmt.Errorf("check: record %d (seq %d): at %v before previous at %v", i, seq, at, pAt)
		}
		pSeq, pAt = seq, at
		switch k := h.Kind(i); k {
		case history.Intend, history.SendCall, history.SendAttempt, history.SendAttemptFail,
			history.SendReturn, history.Stored, history.Deliver, history.ConsumeResult:
			if key == "" {
				return fmt.Errorf("check: record %d (seq %d): %s without a key", i, seq, k)
			}
		}
	}
	return nil
}

// horizonOf is the supplied horizon, else the At of the last record.
func horizonOf(h *history.History, supplied time.Duration) time.Duration {
	if supplied > 0 || h.Len() == 0 {
		return supplied
	}
	last, _ := h.Last()
	return last.At
}

// isHeal reports whether a Fault Detail ends a fault rather than starting
// one. The words are the sim's (power-on, net-up, heal, link reset) plus
// restart, start, resume and unblock for model-level faults.
func isHeal(detail string) bool {
	if strings.HasPrefix(detail, "link reset") {
		return true
	}
	word, _, _ := strings.Cut(detail, " ")
	switch word {
	case "heal", "power-on", "net-up", "restart", "start", "resume", "unblock":
		return true
	}
	return false
}

// onTarget reports whether a fault on target hits proc: the target is the
// process itself or its host (sim names processes "host/service").
func onTarget(target, proc string) bool {
	return target != "" && (proc == target || strings.HasPrefix(proc, target+"/"))
}

// faultLedger follows Fault records: which disruptive faults are still
// active (by target) and when the last fault happened.
type faultLedger struct {
	active   map[string]history.Record
	last     history.Record
	anyFault bool
}

func newFaultLedger() *faultLedger {
	return &faultLedger{active: map[string]history.Record{}}
}

// observe takes Fault and ProcStart records; a ProcStart heals a kill or
// stop of that very process.
func (f *faultLedger) observe(r *history.Record) {
	switch r.Kind {
	case history.ProcStart:
		delete(f.active, r.Proc)
	case history.Fault:
		f.last, f.anyFault = *r, true
		if !isHeal(r.Detail) {
			f.active[r.Target] = *r
			return
		}
		for t, a := range f.active {
			partition := strings.HasPrefix(a.Detail, "partition") || strings.HasPrefix(a.Detail, "block")
			if t == r.Target || onTarget(r.Target, t) || (partition && (r.Target == "network" || r.Target == "")) {
				delete(f.active, t)
			}
		}
	}
}

// stableAt is when the fault configuration stopped changing: the supplied
// heal time, else the At of the last Fault record (a heal, or a fault that
// never healed), else 0.
func (f *faultLedger) stableAt(supplied time.Duration) time.Duration {
	if supplied > 0 {
		return supplied
	}
	if f.anyFault {
		return f.last.At
	}
	return 0
}

// activeFaults lists the faults still active, by Seq.
func (f *faultLedger) activeFaults() []history.Record {
	out := make([]history.Record, 0, len(f.active))
	for _, r := range f.active {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b history.Record) int { return int(a.Seq - b.Seq) })
	return out
}

// describeFaults is "power-off master01 at 1m0s (#12), ..." for reasons.
func describeFaults(rs []history.Record) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = fmt.Sprintf("%s %s at %v (#%d)", r.Detail, r.Target, r.At, r.Seq)
	}
	return strings.Join(parts, ", ")
}
