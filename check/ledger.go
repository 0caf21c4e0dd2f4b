package check

import (
	"fmt"
	"time"

	"rmqsim/history"
)

// qid names a message queue: topic (may be empty), broker, queue id.
type qid struct {
	topic  string
	broker string
	queue  int
}

// String is "topic/broker/queue", or "broker/queue" without a topic.
func (q qid) String() string {
	if q.topic == "" {
		return fmt.Sprintf("%s/%d", q.broker, q.queue)
	}
	return fmt.Sprintf("%s/%s/%d", q.topic, q.broker, q.queue)
}

// gq is a group's view of one queue; gk one group's copy of one message.
type (
	gq struct {
		group string
		q     qid
	}
	gk struct{ group, key string }
)

// storedCopy is one Stored record of a message. Its queue is an index
// into ledger.qids (a message has a copy per broker host, and a run a
// few dozen queues: 4 bytes, not a 40-byte qid, per copy).
type storedCopy struct {
	seq     int64
	proc    string
	offset  int64
	lostSeq int64 // -1 while not lost
	q       int32
	replica bool
}

// message is everything the history says about one key. Messages live
// in the ledger's slab, one allocation per thousand. What only a sent
// message has (its return, its deliveries) is in an outcome, from a
// slab of its own, made at the first SendReturn or Deliver: a run that
// never sends most of what it meant (the field experiment's runs
// intend 10,300 messages and may send 300) pays 96 bytes for each of
// the others, not 216.
type message struct {
	key      string
	topic    string
	copies   []storedCopy // one per Stored record
	out      *msgOutcome  // nil: neither returned nor delivered yet
	callSeq  int64        // -1: send never called
	first    int64        // first SendCall, SendAttempt or Stored; -1 none yet
	attempts int32
	intended bool
	consumed bool // delivered to some group
}

// msgOutcome is a message's send return and its deliveries to the first
// group that got it (a run has a group or two; the others' are in
// ledger.more), so that a delivered message costs no map entry.
type msgOutcome struct {
	ret    sendReturn // the send's return (a SEND_OK one wins), if hasRet
	got    delivered  // the deliveries to the first group delivered to, if got.n > 0
	hasRet bool
}

// sendReturn is what the judges keep of a SendReturn record: a copy of
// the few fields they read, not a pointer to the record (records are
// read from a packed history as values; keeping one would keep 400
// bytes and move every record read to the heap).
type sendReturn struct {
	At          time.Duration
	Seq         int64
	QueueOffset int64
	Broker      string
	QueueID     int32
	sendOK      bool // Status SEND_OK
	failed      bool // an Err
}

func (m *message) ok() bool { return m.hasRet() && m.out.ret.sendOK && !m.out.ret.failed }

// hasRet reports whether the send returned (m.out.ret is its return).
func (m *message) hasRet() bool { return m.out != nil && m.out.hasRet }

// outcomeOf is m's outcome, made from the ledger's slab if m has none.
func (l *ledger) outcomeOf(m *message) *msgOutcome {
	if m.out == nil {
		m.out = fromSlab(&l.outs)
	}
	return m.out
}

// fromSlab is the next value of *slab, a new chunk of a thousand made
// when it is empty: one allocation per thousand values, not one each.
func fromSlab[T any](slab *[]T) *T {
	if len(*slab) == 0 {
		*slab = make([]T, 1024)
	}
	p := &(*slab)[0]
	*slab = (*slab)[1:]
	return p
}

// delivered is group g's deliveries of m, nil if none.
func (l *ledger) delivered(m *message, g string) *delivered {
	if m.out != nil && m.out.got.n > 0 && m.out.got.group == g {
		return &m.out.got
	}
	return l.more[gk{g, m.key}]
}

// known reports whether the key was sent (called or attempted) or
// stored so far.
func (m *message) known() bool { return m.first >= 0 }

// masterCopies counts copies stored on masters, and how many of them
// are lost.
func (m *message) masterCopies() (n, lost int) {
	for _, c := range m.copies {
		if !c.replica {
			n++
			if c.lostSeq >= 0 {
				lost++
			}
		}
	}
	return n, lost
}

// delivery is one Deliver record; its queue is an index into
// ledger.qids.
type delivery struct {
	seq     int64
	at      time.Duration
	offset  int64
	q       int32
	attempt int32
}

// delivered is one group's deliveries of one key: when and where the
// first was (all a judge reads of it), the last, and how many.
type delivered struct {
	group    string
	firstAt  time.Duration
	firstSeq int64
	last     delivery
	n        int
}

// groupInfo is what the history shows about one consumer group.
type groupInfo struct {
	topics     map[string]bool
	rebalanced map[string]bool // topics some member recorded a Rebalance for
	lastExit   int64           // seq of the last exit of a member, -1 none
}

// owner is one consumer's assignment for one topic.
type owner struct{ group, proc, topic string }

// ledger is the delivery judge's single pass over the history: maps
// filled record by record, read back in sorted order at the end.
type ledger struct {
	keys    keys
	orderly map[string]bool
	msgs    []*message // every key's entry, first seen first
	// byRef is a key's history string id → 1 + its index in msgs (0:
	// none): read almost in order, where a map of a million keys cost a
	// cache miss a lookup.
	byRef   []int32
	slab    []message          // where msg takes the next message from
	outs    []msgOutcome       // where outcomeOf takes the next outcome from
	pairs   []storedCopy       // where copyPair takes the next two copies from
	lostWhy map[string]string  // key → Detail of its first Lost record; nil until one
	more    map[gk]*delivered  // deliveries to a key's groups after its first
	phantom map[string][]int64 // key → seqs seen before it was known
	groups  map[string]*groupInfo
	faults  *faultLedger

	procGroups map[string]map[string]bool // consumer proc → groups
	lastJoin   [3]string                  // join's last (group, topic, proc)
	procExit   map[string]int64           // proc → seq of its last exit
	brokerOf   map[string]string          // broker proc → brokerName
	brokerLife map[string]int64           // brokerName → last start/exit seq

	owned      map[owner]map[qid]bool
	ownedBy    map[string][]owner // proc → its owner entries
	ownerCount map[gq]int
	ownChange  map[gq]int64    // last ownership change of a group's queue
	committed  map[gq]position // highest commit or OFFSET_ILLEGAL jump
	pulledTo   map[gq]position // pull from the highest offset
	reconsume  map[gk]int64    // last RECONSUME_LATER
	copyAt     map[copyCoord]copyIndex
	qids       []qid         // the queues storedCopy.q indexes
	qidx       map[qid]int32 // qids' index

	order       map[gq]*orderState
	dups        []Violation
	dupCauses   map[gk][]Cause
	reorders    []Violation
	storedAny   bool
	activeAtEnd []history.Record // faults still active after the last record
}

type (
	copyCoord struct {
		proc   string
		q      qid
		offset int64
	}
	copyIndex struct {
		key string
		i   int
		seq int64
	}
	// position is an offset a group reached and the record that shows it.
	position struct {
		offset int64
		seq    int64
		jump   bool // an OFFSET_ILLEGAL jump, not a commit or pull
	}
	orderState struct {
		max    delivery
		seen   map[int64]bool
		hasMax bool
	}
)

// newLedger sizes its big maps for a history of n records, intends of
// them Intend records (a message each: a run that never sends most of
// what it meant has more messages than n/8).
func newLedger(orderly []string, n, intends int, k keys) *ledger {
	l := &ledger{
		keys: k, orderly: map[string]bool{}, msgs: make([]*message, 0, max(n/8, intends)),
		byRef: make([]int32, k.h.Strings()), more: map[gk]*delivered{},
		phantom: map[string][]int64{}, groups: map[string]*groupInfo{}, faults: newFaultLedger(),
		procGroups: map[string]map[string]bool{}, procExit: map[string]int64{},
		brokerOf: map[string]string{}, brokerLife: map[string]int64{},
		owned: map[owner]map[qid]bool{}, ownedBy: map[string][]owner{}, ownerCount: map[gq]int{},
		ownChange: map[gq]int64{}, committed: map[gq]position{}, pulledTo: map[gq]position{},
		reconsume: map[gk]int64{},
		order:     map[gq]*orderState{}, dupCauses: map[gk][]Cause{}, qidx: map[qid]int32{},
	}
	for _, g := range orderly {
		l.orderly[g] = true
	}
	return l
}

// msg returns the entry of key (whose history id is ref), creating it.
func (l *ledger) msg(key string, ref history.ID) *message {
	if m := l.ofRef(ref); m != nil {
		return m
	}
	m := fromSlab(&l.slab)
	*m = message{key: key, callSeq: -1, first: -1}
	l.msgs = append(l.msgs, m)
	l.byRef[ref] = int32(len(l.msgs))
	return m
}

// ofRef is the entry of the key whose history id is ref, or nil.
func (l *ledger) ofRef(ref history.ID) *message {
	if i := l.byRef[ref]; i > 0 {
		return l.msgs[i-1]
	}
	return nil
}

// find is the entry of key, or nil: for a key a record hands over as a
// string only (a pulled message's), found by its id in the history.
func (l *ledger) find(key string) *message {
	if ref, ok := l.keys.h.Lookup(key); ok {
		return l.ofRef(ref)
	}
	return nil
}

// topicOf is the record's topic, else the topic the key was sent to.
func (l *ledger) topicOf(r *history.Record) string {
	if r.Topic != "" || r.Key == "" {
		return r.Topic
	}
	if m := l.ofRef(r.KeyRef); m != nil {
		return m.topic
	}
	return ""
}

func (l *ledger) queueOf(r *history.Record) qid {
	return qid{topic: l.topicOf(r), broker: r.Broker, queue: r.QueueID}
}

// qref is q's index in l.qids, adding it if new.
func (l *ledger) qref(q qid) int32 {
	i, ok := l.qidx[q]
	if !ok {
		i = int32(len(l.qids))
		l.qids = append(l.qids, q)
		l.qidx[q] = i
	}
	return i
}

// observe folds one record into the ledger.
func (l *ledger) observe(r *history.Record) {
	switch r.Kind {
	case history.Intend, history.SendCall, history.SendAttempt, history.SendReturn:
		l.observeSend(r)
	case history.Stored:
		l.observeStored(r)
	case history.Lost:
		l.observeLost(r)
	case history.Deliver:
		l.join(r)
		l.observeDeliver(r)
	case history.Pull:
		l.join(r)
		l.observePull(r)
	case history.Rebalance:
		l.join(r)
		l.observeRebalance(r)
	case history.OffsetCommit:
		l.join(r)
		q := gq{r.Group, l.queueOf(r)}
		if c, ok := l.committed[q]; !ok || r.Offset > c.offset {
			l.committed[q] = position{offset: r.Offset, seq: r.Seq}
		}
	case history.OffsetRead:
		l.join(r)
	case history.ConsumeResult:
		l.join(r)
		if r.Status == "RECONSUME_LATER" {
			l.reconsume[gk{r.Group, r.Key}] = r.Seq
		}
	case history.ProcStart, history.ProcExit, history.Fault:
		l.faults.observe(r)
		l.observeLife(r)
	}
}

func (l *ledger) observeSend(r *history.Record) {
	m := l.msg(r.Key, r.KeyRef)
	if m.topic == "" {
		m.topic = r.Topic
	}
	if m.first < 0 && (r.Kind == history.SendCall || r.Kind == history.SendAttempt) {
		m.first = r.Seq
	}
	switch r.Kind {
	case history.Intend:
		m.intended = true
	case history.SendCall:
		if m.callSeq < 0 {
			m.callSeq = r.Seq
		}
	case history.SendAttempt:
		m.attempts++
	case history.SendReturn:
		if !m.ok() {
			o := l.outcomeOf(m)
			o.ret = sendReturn{At: r.At, Seq: r.Seq, Broker: r.Broker, QueueID: int32(r.QueueID),
				QueueOffset: r.QueueOffset, sendOK: r.Status == "SEND_OK", failed: r.Err != ""}
			o.hasRet = true
		}
	}
}

// observeStored files a copy of a message. Broker-made copies (%RETRY%,
// %DLQ%, SCHEDULE_TOPIC_XXXX) are not the message's copies.
func (l *ledger) observeStored(r *history.Record) {
	if systemTopic(r.Topic) {
		return
	}
	l.storedAny = true
	key, ref := l.keys.of(r)
	m := l.msg(key, ref)
	if m.first < 0 {
		m.first = r.Seq
	}
	if m.topic == "" {
		m.topic = r.Topic
	}
	c := storedCopy{seq: r.Seq, proc: r.Proc, q: l.qref(l.queueOf(r)), offset: r.QueueOffset,
		replica: r.Detail == "replica", lostSeq: -1}
	if m.copies == nil {
		m.copies = l.copyPair()
	}
	m.copies = append(m.copies, c)
	if l.copyAt != nil {
		l.index(copyIndex{key, len(m.copies) - 1, r.Seq}, c)
	}
	if !c.replica && r.Proc != "" {
		l.brokerOf[r.Proc] = r.Broker
	}
}

// copyPair is an empty list with room for two copies (a master's and its
// slave's), cut from a slab: one allocation for a thousand messages, not
// one each. A third copy (a re-send stored again) outgrows it and
// append moves the list to a slice of its own.
func (l *ledger) copyPair() []storedCopy {
	if len(l.pairs) < 2 {
		l.pairs = make([]storedCopy, 2048)
	}
	p := l.pairs[:0:2]
	l.pairs = l.pairs[2:]
	return p
}

// observeLost marks the copy it names: by Key and coordinates when the
// record has a Key, else by process and coordinates.
func (l *ledger) observeLost(r *history.Record) {
	mark := func(m *message, i int) {
		if m.copies[i].lostSeq < 0 {
			m.copies[i].lostSeq = r.Seq
		}
		if _, ok := l.lostWhy[m.key]; !ok && r.Detail != "" {
			if l.lostWhy == nil {
				l.lostWhy = map[string]string{}
			}
			l.lostWhy[m.key] = r.Detail
		}
	}
	_, ref := l.keys.of(r)
	if m := l.ofRef(ref); r.Key != "" && m != nil {
		for i, c := range m.copies {
			if q := l.qids[c.q]; q.broker == r.Broker && q.queue == r.QueueID && c.offset == r.QueueOffset &&
				(r.Proc == "" || r.Proc == c.proc) {
				mark(m, i)
			}
		}
		return
	}
	if l.copyAt == nil {
		l.copyAt = map[copyCoord]copyIndex{}
		for _, m := range l.msgs {
			for i, c := range m.copies {
				l.index(copyIndex{m.key, i, c.seq}, c)
			}
		}
	}
	if ci, ok := l.copyAt[copyCoord{r.Proc, l.queueOf(r), r.QueueOffset}]; ok {
		mark(l.find(ci.key), ci.i)
	}
}

// index files a copy by process and coordinates; of two copies at the
// same place (a broker reusing lost offsets) the later one wins. It is
// built on the first Lost record without a Key, so histories without such
// records never pay for it.
func (l *ledger) index(ci copyIndex, c storedCopy) {
	k := copyCoord{c.proc, l.qids[c.q], c.offset}
	if old, ok := l.copyAt[k]; !ok || old.seq < ci.seq {
		l.copyAt[k] = ci
	}
}

// join records that the record's process consumes for its group, and the
// topics the group reads.
func (l *ledger) join(r *history.Record) {
	if r.Group == "" {
		return
	}
	// Joining the (group, topic, process) just joined changes nothing:
	// every set below only grows, and the first-join part ran then. A
	// consumer's pulls, commits and deliveries come in long runs of one
	// such triple, and this spares them three map lookups each.
	last := [3]string{r.Group, r.Topic, r.Proc}
	if r.Kind != history.Rebalance && last == l.lastJoin {
		return
	}
	l.lastJoin = last
	g := l.groups[r.Group]
	if g == nil {
		g = &groupInfo{topics: map[string]bool{}, rebalanced: map[string]bool{}, lastExit: -1}
		l.groups[r.Group] = g
	}
	if t := r.Topic; t != "" && !systemTopic(t) {
		g.topics[t] = true
	}
	if r.Kind == history.Rebalance {
		g.rebalanced[r.Topic] = true
	}
	if r.Proc == "" {
		return
	}
	if l.procGroups[r.Proc] == nil {
		l.procGroups[r.Proc] = map[string]bool{}
	}
	if !l.procGroups[r.Proc][r.Group] {
		l.procGroups[r.Proc][r.Group] = true
		if e, ok := l.procExit[r.Proc]; ok && e > g.lastExit {
			g.lastExit = e
		}
	}
}
