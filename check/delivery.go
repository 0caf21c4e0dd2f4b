package check

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"rmqsim/history"
)

// DeliveryOptions is what a scenario declares for the delivery judge.
type DeliveryOptions struct {
	// Groups must each receive every acknowledged message of the topics
	// they read. Empty: every group named in the history.
	Groups []string `json:"groups,omitempty" yaml:"groups,omitempty"`
	// OrderlyGroups consume orderly (MessageListenerOrderly): their
	// queues must be delivered in offset order.
	OrderlyGroups []string `json:"orderly_groups,omitempty" yaml:"orderly_groups,omitempty"`
	// LivenessBound is how long after the faults stop (or after its ack,
	// if later) each acknowledged message must be delivered. 0: liveness
	// is unknown and a message not delivered by the horizon is lost.
	LivenessBound time.Duration `json:"liveness_bound,omitempty" yaml:"liveness_bound,omitempty"`
	// HealAt is when the faults stopped. 0: the At of the last Fault
	// record (see doc.go).
	HealAt time.Duration `json:"heal_at,omitempty" yaml:"heal_at,omitempty"`
	// Horizon is when the run ended. 0: the At of the last record.
	Horizon time.Duration `json:"horizon,omitempty" yaml:"horizon,omitempty"`
}

// Duplicate summarises one group's repeated deliveries of one key.
type Duplicate struct {
	// Causes has one entry per delivery after the first, in order.
	Causes     []Cause `json:"causes"`
	Deliveries int     `json:"deliveries"`
	Group      string  `json:"group"`
	Key        string  `json:"key"`
}

// DeliveryResult is the delivery judge's raw result, before tolerances.
type DeliveryResult struct {
	Outcomes   []Outcome // NoAckedLost, NoPhantom, NoDuplicates, QueueOrder, Liveness
	Duplicates []Duplicate
	Counts     Counts
}

// CheckDelivery judges delivery from the history alone: a pass over the
// records for msgIds, one for the facts, and one over the keys in sorted
// order; linear but for sorting the output.
func CheckDelivery(h *history.History, opt DeliveryOptions) (DeliveryResult, error) {
	if err := validate(h); err != nil {
		return DeliveryResult{}, err
	}
	return checkDelivery(h, opt), nil
}

// checkDelivery is CheckDelivery on a validated history.
func checkDelivery(h *history.History, opt DeliveryOptions) DeliveryResult {
	l := newLedger(opt.OrderlyGroups, h.Len(), h.Count(history.Intend), newKeys(h))
	for _, rec := range h.All() {
		l.observe(&rec)
	}
	l.activeAtEnd = l.faults.activeFaults()
	j := judgement{l: l, opt: opt, horizon: horizonOf(h, opt.Horizon), stable: l.faults.stableAt(opt.HealAt)}
	j.groups = j.requiredGroups()
	j.lost.Property, j.live.Property = NoAckedLost, Liveness
	// Only an acknowledged message is judged further than its counters,
	// and only that can add a violation: those are visited in key order,
	// the rest (in a field-experiment run, 10,000 of 10,300 were never
	// sent) only counted, in any order, since counting commutes. Sorting
	// every key was a tenth of this judge.
	acked := make([]*message, 0, len(l.msgs)) // all, in a run that loses no send
	for _, m := range l.msgs {
		if m.ok() {
			acked = append(acked, m)
		} else {
			j.count(m)
		}
	}
	slices.SortFunc(acked, func(a, b *message) int { return strings.Compare(a.key, b.key) })
	for _, m := range acked {
		j.judgeKey(m)
	}
	j.notes()
	res := DeliveryResult{
		Outcomes: []Outcome{j.lost, l.phantoms(), {Property: NoDuplicates, Violations: l.dups},
			j.orderOutcome(), j.live},
		Duplicates: l.duplicates(),
		Counts:     j.counts,
	}
	for _, d := range res.Duplicates {
		res.Counts.Duplicates += d.Deliveries - 1
	}
	for i := range res.Outcomes {
		slices.SortFunc(res.Outcomes[i].Violations, compareViolations)
	}
	return res
}

// judgement carries the end-of-run evaluation.
type judgement struct {
	l               *ledger
	opt             DeliveryOptions
	horizon, stable time.Duration
	groups          []string
	lost, live      Outcome
	counts          Counts
	lostKeys        map[string]bool
	pendingKeys     map[string]bool
}

// requiredGroups is the declared groups, else every group seen, sorted.
func (j *judgement) requiredGroups() []string {
	gs := slices.Clone(j.opt.Groups)
	if len(gs) == 0 {
		for g := range j.l.groups {
			gs = append(gs, g)
		}
	}
	slices.Sort(gs)
	return slices.Compact(gs)
}

// reads reports whether group g must receive messages of topic.
func (j *judgement) reads(g, topic string) bool {
	gi := j.l.groups[g]
	return topic == "" || gi == nil || len(gi.topics) == 0 || gi.topics[topic]
}

// judgeKey counts the key and, if acknowledged, checks that every group
// that reads its topic got it, and in time.
func (j *judgement) judgeKey(m *message) {
	j.count(m)
	if !m.ok() {
		return
	}
	for _, g := range j.groups {
		if !j.reads(g, m.topic) {
			continue
		}
		j.judgeCopy(g, m)
	}
}

func (j *judgement) count(m *message) {
	c := &j.counts
	sent := m.callSeq >= 0
	if m.intended || sent {
		c.Intended++
	}
	switch {
	case !sent && m.intended:
		c.NeverSent++
	case sent && !m.hasRet():
		c.SendPending++
	case m.ok():
		c.SendOK++
	case m.hasRet() && m.out.ret.failed:
		c.SendFailed++
	case m.hasRet():
		c.SendNotOK++
	}
	if n, _ := m.masterCopies(); n > 0 {
		c.Stored++
	}
	if m.consumed && m.known() {
		c.ConsumedUnique++
	}
}

// judgeCopy decides NoAckedLost and Liveness for one (group, message).
func (j *judgement) judgeCopy(g string, m *message) {
	ack := &m.out.ret // judged only if ok: it has an outcome
	deadline := max(ack.At, j.stable) + j.opt.LivenessBound
	q := qid{m.topic, ack.Broker, int(ack.QueueID)}
	head := func() string {
		return fmt.Sprintf("acknowledged SEND_OK at %v (#%d) as %s@%d", ack.At, ack.Seq, q, ack.QueueOffset)
	}
	v := Violation{Key: m.key, Group: g}
	if got := j.l.delivered(m, g); got != nil {
		if j.opt.LivenessBound > 0 && got.firstAt > deadline {
			v.Queue = q.String()
			v.Property, v.Cause, v.Seqs = Liveness, CauseLate, seqs(ack.Seq, got.firstSeq)
			v.Reason = fmt.Sprintf("%s; first delivered to %s at %v (#%d), %v after the deadline %v",
				head(), g, got.firstAt, got.firstSeq, got.firstAt-deadline, deadline)
			j.live.Violations = append(j.live.Violations, v)
		}
		return
	}
	cause, evidence, why, gone := j.l.undelivered(g, m)
	v.Queue, v.Cause, v.Seqs = q.String(), cause, seqs(append([]int64{ack.Seq}, evidence...)...)
	v.Reason = fmt.Sprintf("%s; never delivered to %s by the horizon %v: %s", head(), g, j.horizon, why)
	due := j.opt.LivenessBound == 0 || j.horizon >= deadline
	if gone || due {
		v.Property = NoAckedLost
		j.lost.Violations = append(j.lost.Violations, v)
		j.mark(&j.lostKeys, m.key)
	} else {
		j.lost.Undecided = true
		j.mark(&j.pendingKeys, m.key)
	}
	if j.opt.LivenessBound == 0 {
		return
	}
	if gone || j.horizon >= deadline {
		v.Property = Liveness
		v.Reason = fmt.Sprintf("%s; not delivered to %s by the deadline %v: %s", head(), g, deadline, why)
		j.live.Violations = append(j.live.Violations, v)
	} else {
		j.live.Undecided = true
	}
}

func (j *judgement) mark(set *map[string]bool, key string) {
	if *set == nil {
		*set = map[string]bool{}
	}
	(*set)[key] = true
}

// notes explains undecided outcomes and fills the loss counts.
func (j *judgement) notes() {
	j.counts.LostAcked, j.counts.PendingAcked = len(j.lostKeys), len(j.pendingKeys)
	if len(j.groups) == 0 && j.counts.SendOK > 0 {
		j.lost.Undecided, j.live.Undecided = true, true
		j.lost.Note = "no consumer group in the history or declared: delivery cannot be judged"
		j.live.Note = j.lost.Note
		return
	}
	if j.lost.Undecided {
		j.lost.Note = fmt.Sprintf("%d acknowledged messages undelivered but not yet due at the horizon %v", len(j.pendingKeys), j.horizon)
	}
	switch {
	case j.opt.LivenessBound == 0:
		j.live.Undecided = true
		j.live.Note = "no liveness bound declared"
	case j.live.Undecided:
		j.live.Note = fmt.Sprintf("the horizon %v came before the deadline %v (faults stopped at %v + bound %v)",
			j.horizon, j.stable+j.opt.LivenessBound, j.stable, j.opt.LivenessBound)
	default:
		j.live.Note = fmt.Sprintf("faults stopped at %v; bound %v", j.stable, j.opt.LivenessBound)
	}
}

func (j *judgement) orderOutcome() Outcome {
	o := Outcome{Property: QueueOrder, Violations: j.l.reorders}
	if len(j.opt.OrderlyGroups) == 0 {
		o.Note = "no orderly group declared: nothing to check"
	}
	return o
}

// lostKind names a store loss by the Lost record's words.
func lostKind(why string) Cause {
	w := strings.ToLower(why)
	if strings.Contains(w, "flush") || strings.Contains(w, "power") {
		return CauseUnflushedLost
	}
	return CauseStoreLost
}
