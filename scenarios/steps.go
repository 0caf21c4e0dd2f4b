package scenarios

import (
	"maps"
	"slices"
	"sort"
	"strings"

	"rmqsim/history"
	"rmqsim/sim"
)

// Step counters are counted over the step's window [start, end) of
// virtual time, event by event, so that what a step shows is what
// happened during it (the field report's rows):
//
//	intended         messages of the producer runs that started in the window
//	send_ok          send() returned SEND_OK in the window
//	send_failed      send() threw in the window
//	never_sent       of this step's intended messages, those never passed to send()
//	stored           messages first stored by a master in the window
//	consumed_unique  messages first delivered to a listener in the window
//	duplicates       deliveries in the window of messages delivered before
//	lost_acked       of the messages acknowledged in the window, those
//	                 never delivered by the end of the run

// stepResults orders the steps by start time (file order on ties; steps
// that never started last) and counts each one.
func stepResults(steps []stepSpan, runEnd sim.Time, h *history.History, facts *historyFacts) []StepResult {
	spans := append([]stepSpan(nil), steps...)
	sort.SliceStable(spans, func(i, j int) bool {
		a, b := spans[i], spans[j]
		if a.started != b.started {
			return a.started
		}
		return a.started && a.start < b.start
	})
	out := make([]StepResult, len(spans))
	var wins []window
	for i, sp := range spans {
		out[i] = StepResult{Name: sp.name, Started: sp.started, StartMs: -1, EndMs: -1}
		if !sp.started {
			continue
		}
		end := runEnd
		switch {
		case sp.ended:
			end = sp.end
		case i+1 < len(spans) && spans[i+1].started:
			end = spans[i+1].start
		}
		out[i].StartMs, out[i].EndMs = sp.start.Millis(), end.Millis()
		wins = append(wins, window{start: sp.start, end: end, last: end == runEnd, out: &out[i]})
	}
	if len(wins) == 0 {
		// No step started: nothing to count, so no pass over the history.
		return out
	}
	facts.count(h, wins)
	for _, w := range wins {
		w.out.Observer = facts.observerAt(h, w.end)
	}
	return out
}

// window is one step's span of virtual time and the result it fills.
type window struct {
	start, end sim.Time
	// last: the window ends the run, so records at its very end count.
	last bool
	out  *StepResult
}

func (w *window) has(at sim.Time) bool {
	return at >= w.start && (at < w.end || (w.last && at == w.end))
}

// historyFacts are what the step counters need to know about each key
// over the whole run.
//
// Its per-key facts are indexed by the key's id in the history's string
// table (Record.KeyRef), not hashed by the key: a million-message run's
// maps cost a cache miss a lookup, these slices are read almost in
// order.
type historyFacts struct {
	flags      []keyFlags // by key id; nil unless steps are counted
	sendTopic  []uint32   // by key id: 1 + the topic's index in topics; 0 none
	topics     []string   // the topics sends name, first seen first (a run has a few)
	observeSeq []int      // Observe records, by seq
}

// keyFlags are what the steps' counters know of a key.
type keyFlags uint8

const (
	called    keyFlags = 1 << iota // send() was called for the key
	delivered                      // a listener ever got the key
)

// topicRef is 1 + t's index in f.topics, adding it if new.
func (f *historyFacts) topicRef(t string) uint32 {
	i := slices.Index(f.topics, t)
	if i < 0 {
		i = len(f.topics)
		f.topics = append(f.topics, t)
	}
	return uint32(i + 1)
}

// sendTopicOf is the topic key (by its id) was first sent to, or "".
func (f *historyFacts) sendTopicOf(ref history.ID) string {
	if t := f.sendTopic[ref]; t > 0 {
		return f.topics[t-1]
	}
	return ""
}

// has reports whether the key with id ref has flag (never, when the
// steps' flags were not gathered).
func (f *historyFacts) has(ref history.ID, flag keyFlags) bool {
	return f.flags != nil && f.flags[ref]&flag != 0
}

// anyStarted reports whether some step started: else stepResults counts
// nothing and scanHistory need not fill the maps it counts with.
func anyStarted(spans []stepSpan) bool {
	return slices.ContainsFunc(spans, func(s stepSpan) bool { return s.started })
}

// scanHistory reads the facts the steps and storedByBroker need in one
// pass; called and delivered only if steps (some step started) are to
// be counted.
func scanHistory(h *history.History, steps bool) *historyFacts {
	f := &historyFacts{sendTopic: make([]uint32, h.Strings())}
	kinds := []history.Kind{history.Intend, history.SendCall, history.Observe}
	if steps {
		f.flags = make([]keyFlags, h.Strings())
		kinds = append(kinds, history.Deliver)
	}
	for i, rec := range h.AllOf(kinds...) {
		r := &rec
		switch r.Kind {
		case history.Intend:
			f.setTopic(r)
		case history.SendCall:
			if steps {
				f.flags[r.KeyRef] |= called
			}
			if f.sendTopic[r.KeyRef] == 0 {
				f.setTopic(r)
			}
		case history.Deliver:
			f.flags[r.KeyRef] |= delivered
		case history.Observe:
			f.observeSeq = append(f.observeSeq, i)
		}
	}
	return f
}

// setTopic notes r's Topic as its key's send topic ("" notes none, as a
// map holding "" did).
func (f *historyFacts) setTopic(r *history.Record) {
	if r.Topic == "" {
		f.sendTopic[r.KeyRef] = 0
		return
	}
	f.sendTopic[r.KeyRef] = f.topicRef(r.Topic)
}

// isMasterCopy reports whether a Stored record is a master's copy of a
// sent message (not a replica, not a send-back to %RETRY%, %DLQ% or
// SCHEDULE_TOPIC_XXXX).
func (f *historyFacts) isMasterCopy(r *history.Record) bool {
	if r.Detail == "replica" || strings.HasPrefix(r.Topic, "%") || strings.HasPrefix(r.Topic, "SCHEDULE_TOPIC") {
		return false
	}
	t := f.sendTopicOf(r.KeyRef)
	return t == "" || r.Topic == "" || t == r.Topic
}

// count fills each window's counters in one pass over the history.
func (f *historyFacts) count(h *history.History, wins []window) {
	// seen is sized up front (a key a delivery at most, counted without
	// decoding), not rehashed as it grows.
	// By key id, as f's own facts are.
	stored, seen := make([]bool, h.Strings()), make([]bool, h.Strings())
	each := func(at sim.Time, fn func(m *Messages)) {
		for i := range wins {
			if wins[i].has(at) {
				fn(&wins[i].out.Messages)
			}
		}
	}
	// Only the kinds the switch reads are decoded.
	for _, rec := range h.AllOf(history.Intend, history.SendReturn, history.Stored, history.Deliver) {
		r := &rec
		at := sim.Time(r.At)
		switch r.Kind {
		case history.Intend:
			if s := sim.Time(r.Start); at <= s {
				sent := f.has(r.KeyRef, called)
				each(s, func(m *Messages) {
					m.Intended++
					if !sent {
						m.NeverSent++
					}
				})
			}
		case history.SendReturn:
			f.countReturn(r, at, each)
		case history.Stored:
			if f.isMasterCopy(r) && !stored[r.KeyRef] {
				stored[r.KeyRef] = true
				each(at, func(m *Messages) { m.Stored++ })
			}
		case history.Deliver:
			if seen[r.KeyRef] {
				each(at, func(m *Messages) { m.Duplicates++ })
			} else {
				each(at, func(m *Messages) { m.ConsumedUnique++ })
			}
			seen[r.KeyRef] = true
		}
	}
}

func (f *historyFacts) countReturn(r *history.Record, at sim.Time, each func(sim.Time, func(*Messages))) {
	switch {
	case r.Err != "":
		each(at, func(m *Messages) { m.SendFailed++ })
	case r.Status == "SEND_OK":
		lost := !f.has(r.KeyRef, delivered)
		each(at, func(m *Messages) {
			m.SendOK++
			if lost {
				m.LostAcked++
			}
		})
	}
}

// observerAt is what each console panel showed at end: for each panel
// its last Observe record at or before end, its figures with when their
// data was read, since when they were stale and the toast shown; a panel
// that showed only a toast is one entry keyed by the panel's name with a
// null value. nil when no panel showed anything (no console, no visit,
// or nothing loaded yet).
func (f *historyFacts) observerAt(h *history.History, end sim.Time) Observer {
	last := map[string]*history.Record{}
	var order []string
	for _, i := range f.observeSeq {
		rec := h.Record(i)
		r := &rec
		if sim.Time(r.At) > end {
			break
		}
		if _, ok := last[r.Detail]; !ok {
			order = append(order, r.Detail)
		}
		last[r.Detail] = r
	}
	out := Observer{}
	for _, name := range order {
		r := last[name]
		fig := Figure{ReadAtMs: r.Start.Milliseconds(), Error: r.Err}
		if r.StaleSince != 0 {
			ms := r.StaleSince.Milliseconds()
			fig.StaleSince = &ms
		}
		if r.Counts == nil {
			if r.Err != "" {
				out[name] = fig
			}
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(r.Counts)) {
			v := r.Counts[k]
			g := fig
			g.Value = &v
			out[k] = g
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
