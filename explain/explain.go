package explain

import (
	"fmt"
	"math"
	"sort"
	"time"

	"rmqsim/history"
)

// explainer holds the index and the per-program conclusions shared by
// many messages (computed once, so the whole run stays linear).
type explainer struct {
	ix      *index
	horizon time.Duration
	// lastSeq is the last record's seq: "at the horizon".
	lastSeq int
	ends    map[*incarnation]*verdict
	// t writes the chains' lines, when they are read.
	t *teller
	// once is consumedOnce's verdict, reused message after message.
	once verdict
	// place is placement's result, reused message after message: the
	// Explanation keeps a copy of its own (store.add).
	place Placement
}

// verdict is a fate's code, grouped cause, reason and chain.
type verdict struct {
	code, cause, reason string
	// told, unless a lineText, is the reason told from a record when
	// read (reason is then empty).
	told  line
	chain steps
	// lines is chain in time order, made once (verdicts of a program's
	// end are shared by every message it never sent).
	lines []line
}

// Explain gives every intended message of h its fate (see the package
// documentation) and groups the causes.
func Explain(h *history.History, opts Options) *Explanation {
	horizon := opts.Horizon
	if horizon == 0 {
		horizon = lastAt(h)
	}
	if h.Len() > math.MaxInt32 {
		panic(fmt.Sprintf("explain: %d records; a chain's line names a record by an int32", h.Len()))
	}
	ns := buildNodes(h, nodeSpecs(h, opts.Cluster))
	ex := &explainer{ix: buildIndex(h, ns, opts.Group), horizon: horizon,
		lastSeq: h.Len() - 1, ends: map[*incarnation]*verdict{}, t: &teller{h: h, nodes: ns}}
	out := &Explanation{Horizon: horizon, FateCounts: map[string]int{},
		store: newStore(h, ex.t, len(ex.ix.heads))}
	for _, f := range Fates {
		out.FateCounts[string(f)] = 0
	}
	var scratch message
	for k := range ex.ix.heads {
		mf, msgID := ex.message(ex.ix.expand(k, &scratch))
		out.add(&mf, ex.ix.heads[k].key, msgID)
		out.FateCounts[string(mf.Fate)]++
	}
	out.done()
	out.Causes = groupCauses(&out.store)
	return out
}

// groupCauses counts messages per (fate, cause), sorted by fate order,
// then count (descending), then cause text.
func groupCauses(s *store) []CauseCount {
	type key struct {
		fate  uint8
		cause uint32
	}
	at := map[key]int{}
	var out []CauseCount
	for i := range s.fates {
		m := &s.fates[i]
		k := key{m.fate, m.cause}
		if j, ok := at[k]; ok {
			out[j].Count++
			continue
		}
		at[k] = len(out)
		out = append(out, CauseCount{Fate: Fates[m.fate], Code: s.words[m.code], Cause: s.words[m.cause],
			Count: 1, Example: s.h.Str(m.key)})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Fate != b.Fate {
			return a.Fate.rank() < b.Fate.rank()
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Cause < b.Cause
	})
	return out
}

// message decides one message's fate by the taxonomy's precedence; the
// id is its MsgID's in the history's table.
func (ex *explainer) message(m *message) (MessageFate, history.ID) {
	mf, msgID := ex.facts(m)
	surviving := ex.surviving(m)
	acked := mf.Status != ""
	var v *verdict
	switch {
	case len(m.delivers) >= 2:
		mf.Fate, v = ConsumedMoreThanOnce, ex.duplicate(m)
	case len(m.delivers) == 1:
		mf.Fate, v = ConsumedOnce, ex.consumedOnce(m, &mf)
	case acked && len(surviving) == 0:
		mf.Fate, v = AckedThenLost, ex.ackedLost(m)
	case acked:
		mf.Fate, v = AckedNotConsumed, ex.notConsumed(m, surviving[0])
	case len(m.stored) > 0:
		mf.Fate, v = StoredNotAcked, ex.storedNotAcked(m, surviving)
	case len(m.calls) > 0:
		mf.Fate, v = SendFailed, ex.sendFailed(m)
	default:
		mf.Fate, v = NeverSent, ex.neverSent(m)
	}
	if v.lines == nil {
		v.lines = v.chain.sorted(ex.t)
	}
	if v.told.kind != lineText {
		mf.Reason = Reason{v.told, ex.t}
	} else {
		mf.Reason = ex.t.written(v.reason)
	}
	mf.Code, mf.Cause, mf.Chain = v.code, v.cause, Chain{v.lines, ex.t}
	return mf, msgID
}

// facts fills what the records say directly: program, send result,
// placement, copies and deliveries; the id is MsgID's.
func (ex *explainer) facts(m *message) (MessageFate, history.ID) {
	mf := MessageFate{Key: m.key, Copies: len(m.stored), Lost: len(m.lost), Deliveries: len(m.delivers)}
	for _, i := range m.stored {
		if ex.ix.rec(i).Detail != "replica" {
			mf.MasterCopies++
		}
	}
	src := m.first
	if m.intend >= 0 {
		src = m.intend
	} else if len(m.calls) > 0 {
		src = m.calls[0]
	}
	if r := ex.ix.rec(src); r.Kind == history.Intend || r.Kind == history.SendCall {
		mf.Program, mf.Index, mf.Topic = programName(r.Proc), r.Index, r.Topic
	} else {
		mf.Topic = r.Topic
	}
	var ret history.Record // the last return, decoded once for the fields and the placement
	if i := ex.lastReturn(m); i >= 0 {
		ret = ex.ix.rec(i)
		mf.Status, mf.Err, mf.MsgID, mf.OffsetMsgID = ret.Status, ret.Err, ret.MsgID, ret.OffsetMsgID
	}
	if s := ex.surviving(m); len(s) > 0 {
		mf.Placement = ex.placement(ex.ackedCopy(s, &ret))
	} else if len(m.stored) > 0 {
		mf.Placement = ex.placement(ex.ackedCopy(m.stored, &ret))
	}
	return mf, ret.MsgIDRef
}

// ackedCopy is the copy (its record) at the position send() reported in
// ret, if it returned a status, else the first.
func (ex *explainer) ackedCopy(copies []int, ret *history.Record) history.Record {
	first := ex.ix.rec(copies[0])
	if ret.Status != "" {
		for k, i := range copies {
			r := first
			if k > 0 {
				r = ex.ix.rec(i)
			}
			if r.Broker == ret.Broker && r.QueueID == ret.QueueID && r.QueueOffset == ret.QueueOffset {
				return r
			}
		}
	}
	return first
}

// lastReturn is the last SendReturn of the key, or -1; an acknowledged
// return wins over a later exception (an application resend after a
// false failure).
func (ex *explainer) lastReturn(m *message) int {
	last := -1
	for _, i := range m.returns {
		if ex.ix.rec(i).Status != "" {
			return i
		}
		last = i
	}
	return last
}

func (ex *explainer) placement(r history.Record) *Placement {
	p := &ex.place
	*p = Placement{Broker: r.Broker, BrokerHost: hostOf(r.Proc), QueueID: r.QueueID,
		QueueOffset: r.QueueOffset, CommitLogOffset: r.CommitLogOffset, StoreSize: r.StoreSize}
	return p
}

// surviving lists the stored copies not lost afterwards: a Lost record
// removes the latest earlier copy on the same host.
func (ex *explainer) surviving(m *message) []int {
	if len(m.lost) == 0 {
		return m.stored
	}
	gone := map[int]bool{}
	for _, l := range m.lost {
		host := hostOf(ex.ix.rec(l).Proc)
		for k := len(m.stored) - 1; k >= 0; k-- {
			s := m.stored[k]
			if s < l && !gone[s] && hostOf(ex.ix.rec(s).Proc) == host {
				gone[s] = true
				break
			}
		}
	}
	var out []int
	for _, s := range m.stored {
		if !gone[s] {
			out = append(out, s)
		}
	}
	return out
}
