package explain

import (
	"slices"
	"strings"

	"rmqsim/history"
)

// message gathers the records of one key, as indexes into the history.
type message struct {
	key      string
	first    int // first record naming the key
	intend   int // -1 if none
	calls    []int
	attempts []int
	fails    []int
	returns  []int
	stored   []int // copies of the send's own topic
	lost     []int
	delivers []int
	results  []int
}

// msgHead is what the index keeps of a key besides its records.
type msgHead struct {
	key    history.ID
	first  int32 // first record naming the key
	intend int32 // -1 if none
}

// recCat is the list of message a keyed record belongs to.
type recCat uint8

const (
	catCall recCat = iota
	catAttempt
	catFail
	catReturn
	catStored
	catLost
	catDeliver
	catResult
)

// incarnation is one run of a process, from ProcStart to its end.
type incarnation struct {
	start       int // ProcStart record
	programExit int // ProgramExit record, -1
	procExit    int // ProcExit record, -1
	lastCall    int // last SendCall in this incarnation, -1
	clientStart int // the client's start() (ClientStart), -1
}

// process gathers the records of one process.
type process struct {
	name        string
	incs        []*incarnation
	routes      []int // RouteRefresh
	consumer    bool
	programExit []int // ProgramExit outside any incarnation
}

// current is the running incarnation (nil before the first start).
func (p *process) current() *incarnation {
	if len(p.incs) == 0 {
		return nil
	}
	return p.incs[len(p.incs)-1]
}

// index is everything Explain needs, built in one pass.
//
// A key's records are kept compactly, 5 bytes each in one array grouped
// by key, and made into a message (expand) only while its fate is
// decided: a message value with its eight lists costs ~300 bytes, and a
// run has one per intended message.
//
// Keys and msgIds are looked up by their history.ID, in slices of
// h.Strings() entries: ids count up in first-seen order, so a run's keys
// are met nearly in id order and a lookup reads the next few bytes,
// where a map of a million keys cost a cache miss each. The slices hold
// no pointers, so the collector does not scan them.
type index struct {
	h     *history.History
	heads []msgHead
	// byKey is, by a key's id, 1 + its message's index into heads; 0 for
	// a string that is no message's key.
	byKey []int32
	// While building: each keyed record's message, record and list.
	entMsg []int32
	entSeq []int32
	entCat []recCat
	// Once built: message k's records are seqs[start[k]:start[k+1]] (in
	// record order), cats their lists.
	start []int32
	seqs  []int32
	cats  []recCat
	procs map[string]*process
	// lastProc is the process proc returned last.
	lastProc *process
	queues   *queues
	nodes    *nodes
	// at finds the key stored at a host's queue position, for Lost
	// records that name the position without the key; nil when no Lost
	// record does (a map entry per copy is most of the index otherwise).
	at map[position]history.ID
	// byMsgID finds a message's key (its body, as the programs name it)
	// from its msgId, for broker records keyed by msgId: by the msgId's
	// id, the key's id; 0 for a string that is no recorded msgId.
	byMsgID []history.ID
}

// position is a stored copy's place on one host.
type position struct {
	host   string
	broker string
	queue  int
	offset int64
}

// buildIndex scans the history once.
func buildIndex(h *history.History, nodes *nodes, group string) *index {
	// Sized up front from the kinds (counted without decoding): a key
	// per Intend, an entry per keyed record at most. Grown record by
	// record, the slices were allocated about five times over (append
	// grows a long slice by a quarter).
	intends := h.Count(history.Intend)
	entries := h.Count(history.SendCall, history.SendAttempt, history.SendAttemptFail, history.SendReturn,
		history.Stored, history.Lost, history.Deliver, history.ConsumeResult)
	ix := &index{h: h, byKey: make([]int32, h.Strings()), procs: map[string]*process{},
		queues: newQueues(h, group), nodes: nodes, byMsgID: msgIDs(h),
		heads:  make([]msgHead, 0, intends),
		entMsg: make([]int32, 0, entries), entSeq: make([]int32, 0, entries), entCat: make([]recCat, 0, entries)}
	for _, r := range h.AllOf(history.Lost) {
		if r.Kind == history.Lost && r.Key == "" {
			ix.at = map[position]history.ID{}
			break
		}
	}
	for i, rec := range h.All() {
		r := &rec
		ix.addProc(i, r)
		ix.queues.add(i, r, group)
		key := ix.keyOf(r)
		if key == 0 {
			continue
		}
		ix.addKeyed(i, r, key, group)
	}
	ix.group()
	return ix
}

// group sorts the keyed records by message (stable: each message's stay
// in record order) and drops the build arrays.
func (ix *index) group() {
	ix.start = make([]int32, len(ix.heads)+1)
	for _, k := range ix.entMsg {
		ix.start[k+1]++
	}
	for k := range ix.heads {
		ix.start[k+1] += ix.start[k]
	}
	next := slices.Clone(ix.start[:len(ix.heads)])
	ix.seqs, ix.cats = make([]int32, len(ix.entMsg)), make([]recCat, len(ix.entMsg))
	for e, k := range ix.entMsg {
		ix.seqs[next[k]], ix.cats[next[k]] = ix.entSeq[e], ix.entCat[e]
		next[k]++
	}
	ix.entMsg, ix.entSeq, ix.entCat = nil, nil, nil
}

// expand fills m with message k's records, reusing m's lists.
func (ix *index) expand(k int, m *message) *message {
	hd := ix.heads[k]
	*m = message{key: ix.h.Str(hd.key), first: int(hd.first), intend: int(hd.intend),
		calls: m.calls[:0], attempts: m.attempts[:0], fails: m.fails[:0], returns: m.returns[:0],
		stored: m.stored[:0], lost: m.lost[:0], delivers: m.delivers[:0], results: m.results[:0]}
	for e := ix.start[k]; e < ix.start[k+1]; e++ {
		i := int(ix.seqs[e])
		switch ix.cats[e] {
		case catCall:
			m.calls = append(m.calls, i)
		case catAttempt:
			m.attempts = append(m.attempts, i)
		case catFail:
			m.fails = append(m.fails, i)
		case catReturn:
			m.returns = append(m.returns, i)
		case catStored:
			m.stored = append(m.stored, i)
		case catLost:
			m.lost = append(m.lost, i)
		case catDeliver:
			m.delivers = append(m.delivers, i)
		case catResult:
			m.results = append(m.results, i)
		}
	}
	return m
}

// message is the message of the key with id key as a new value, or nil.
func (ix *index) message(key history.ID) *message {
	k := ix.byKey[key]
	if k == 0 {
		return nil
	}
	return ix.expand(int(k-1), &message{})
}

// msgIDs maps each msgId the clients recorded to the message's key, by
// their ids (a later record's pair wins). A first pass: the producer
// learns a message's msgId only after its first attempt, so the broker's
// Stored record may come before any client record that pairs the two.
func msgIDs(h *history.History) []history.ID {
	out := make([]history.ID, h.Strings())
	for _, rec := range h.AllOf(history.SendCall, history.SendAttempt, history.SendAttemptFail, history.SendReturn, history.Deliver) {
		switch r := &rec; r.Kind {
		case history.SendCall, history.SendAttempt, history.SendAttemptFail, history.SendReturn, history.Deliver:
			if r.MsgIDRef != 0 && r.KeyRef != 0 {
				out[r.MsgIDRef] = r.KeyRef
			}
		}
	}
	return out
}

// keyOf is the id of the message key a record is about (0 for none).
// Client records name it; broker records may name the msgId instead (in
// MsgID, or in Key: so Key is looked up among the msgIds too), and a
// Lost record only the position.
func (ix *index) keyOf(r *history.Record) history.ID {
	switch r.Kind {
	case history.Stored, history.Lost:
		// byMsgID[0] stays 0: msgIDs pairs no empty msgId.
		if k := ix.byMsgID[r.MsgIDRef]; k != 0 {
			return k
		}
		if k := ix.byMsgID[r.KeyRef]; k != 0 {
			return k
		}
		if r.KeyRef == 0 && r.Kind == history.Lost {
			return ix.at[position{hostOf(r.Proc), r.Broker, r.QueueID, r.QueueOffset}]
		}
	}
	return r.KeyRef
}

// proc returns (creating) the process named name.
func (ix *index) proc(name string) *process {
	// Most records of a run come from one consumer in a row: the last
	// process found is checked first (procs loses no entry).
	if p := ix.lastProc; p != nil && p.name == name {
		return p
	}
	p := ix.procs[name]
	if p == nil {
		p = &process{name: name}
		ix.procs[name] = p
	}
	ix.lastProc = p
	return p
}

func (ix *index) addProc(i int, r *history.Record) {
	switch r.Kind {
	case history.ProcStart:
		p := ix.proc(r.Proc)
		p.incs = append(p.incs, &incarnation{start: i, programExit: -1, procExit: -1, lastCall: -1, clientStart: -1})
		if r.Detail == "consumer" {
			p.consumer = true
		}
	case history.ClientStart:
		p := ix.proc(r.Proc)
		if r.Detail == "consumer" {
			p.consumer = true
		}
		if inc := p.current(); inc != nil && inc.clientStart < 0 {
			inc.clientStart = i
		}
	case history.ProcExit:
		if inc := ix.proc(r.Proc).current(); inc != nil && inc.procExit < 0 {
			inc.procExit = i
		}
	case history.ProgramExit:
		p := ix.proc(r.Proc)
		if inc := p.current(); inc != nil && inc.programExit < 0 && inc.procExit < 0 {
			inc.programExit = i
		} else {
			p.programExit = append(p.programExit, i)
		}
	case history.SendCall:
		if inc := ix.proc(r.Proc).current(); inc != nil {
			inc.lastCall = i
		}
	case history.RouteRefresh:
		p := ix.proc(r.Proc)
		p.routes = append(p.routes, i)
		if strings.HasPrefix(r.Topic, "%RETRY%") {
			p.consumer = true
		}
	case history.Rebalance, history.Pull, history.Deliver, history.OffsetCommit, history.OffsetRead:
		ix.proc(r.Proc).consumer = true
	}
}

// msg returns (creating) the message of the key with id key, first
// named by record i.
func (ix *index) msg(key history.ID, i int) int32 {
	if k := ix.byKey[key]; k != 0 {
		return k - 1
	}
	k := int32(len(ix.heads))
	ix.heads = append(ix.heads, msgHead{key: key, first: int32(i), intend: -1})
	ix.byKey[key] = k + 1
	return k
}

// keyed files record i in list c of the message of the key with id key.
func (ix *index) keyed(key history.ID, i int, c recCat) {
	ix.entMsg = append(ix.entMsg, ix.msg(key, i))
	ix.entSeq = append(ix.entSeq, int32(i))
	ix.entCat = append(ix.entCat, c)
}

// addKeyed files record i, about the key with id key (keyOf), in its
// message's list.
func (ix *index) addKeyed(i int, r *history.Record, key history.ID, group string) {
	switch r.Kind {
	case history.Intend:
		if hd := &ix.heads[ix.msg(r.KeyRef, i)]; hd.intend < 0 {
			hd.intend = int32(i)
		}
	case history.SendCall:
		ix.keyed(r.KeyRef, i, catCall)
	case history.SendAttempt:
		ix.keyed(r.KeyRef, i, catAttempt)
	case history.SendAttemptFail:
		ix.keyed(r.KeyRef, i, catFail)
	case history.SendReturn:
		ix.keyed(r.KeyRef, i, catReturn)
	case history.Stored:
		ix.addStored(i, r, key)
	case history.Lost:
		ix.keyed(key, i, catLost)
	case history.Deliver:
		if group == "" || r.Group == group {
			ix.keyed(r.KeyRef, i, catDeliver)
		}
	case history.ConsumeResult:
		if group == "" || r.Group == group {
			ix.keyed(r.KeyRef, i, catResult)
		}
	}
}

// addStored keeps copies of the message's own topic; send-backs to
// %RETRY%, the DLQ or the schedule topic are not copies of the send.
func (ix *index) addStored(i int, r *history.Record, key history.ID) {
	if isSendBackTopic(r.Topic) {
		return
	}
	ix.keyed(key, i, catStored)
	if ix.at != nil {
		ix.at[position{hostOf(r.Proc), r.Broker, r.QueueID, r.QueueOffset}] = key
	}
}

// queueTopic is the topic of the queue a Deliver came from: Detail names
// it (a %RETRY% queue for a reconsumed message), else Topic.
func queueTopic(r *history.Record) string {
	if r.Kind == history.Deliver && r.Detail != "" {
		return r.Detail
	}
	return r.Topic
}

// isReplica reports whether a Stored record is a slave's copy.
func isReplica(r *history.Record) bool { return r.Detail == "replica" }

func isSendBackTopic(topic string) bool {
	return strings.HasPrefix(topic, "%RETRY%") || strings.HasPrefix(topic, "%DLQ%") ||
		strings.HasPrefix(topic, "SCHEDULE_TOPIC")
}

// rec is record i.
func (ix *index) rec(i int) history.Record { return ix.h.Record(i) }

// hostOf is the host part of a "<host>/<service>" name or "host:port".
func hostOf(name string) string {
	if i := strings.IndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		return name[:i]
	}
	return name
}

// programName is the service part of a "<host>/<service>" name.
func programName(proc string) string {
	if i := strings.LastIndexByte(proc, '/'); i >= 0 {
		return proc[i+1:]
	}
	return proc
}
