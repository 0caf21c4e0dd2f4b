package check

import (
	"cmp"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"rmqsim/history"
)

// stamper turns record positions into porcupine timestamps. Record Seq s
// is stamp 2s+2; a call made just before record s is 2s+1, so calls and
// returns never share a stamp, and two records at the same virtual time
// keep their order (LIBRARIES.md §1 rule 6). Pending operations return at
// infinity, after every record.
//
// A run's history has every Seq equal to its index and its times in
// order; the stamper then keeps only every stampEvery-th time and reads
// the others from the history (16 bytes a record otherwise, held through
// the whole check). A hand-made history that breaks either keeps them
// all.
type stamper struct {
	h       *history.History
	sampled []time.Duration // At of records 0, stampEvery, 2·stampEvery, ...
	ats     []time.Duration // nil when sampled
	seqs    []int64
	// infinity is after every record's stamp.
	infinity int64
}

// stampEvery is the sampling stride of stamper.sampled.
const stampEvery = 64

func newStamper(h *history.History) stamper {
	s := stamper{h: h}
	ordered := true
	prev := time.Duration(math.MinInt64)
	for i := range h.Len() { // Seq and At alone: no record decoded
		at := h.At(i)
		if h.Seq(i) != int64(i) || at < prev {
			ordered = false
			break
		}
		prev = at
	}
	if ordered {
		s.sampled = make([]time.Duration, 0, h.Len()/stampEvery+1)
		for i := 0; i < h.Len(); i += stampEvery {
			s.sampled = append(s.sampled, h.At(i))
		}
	} else {
		s.ats, s.seqs = make([]time.Duration, h.Len()), make([]int64, h.Len())
		for i, r := range h.All() {
			s.ats[i], s.seqs[i] = r.At, r.Seq
		}
	}
	last := int64(-1)
	if n := h.Len(); n > 0 {
		last = h.Seq(n - 1)
	}
	s.infinity = 2*last + 8
	return s
}

func (s stamper) at(seq int64) int64 { return 2*seq + 2 }

// call places the call of the operation r reports. With CallSeq it is
// exact. Otherwise it goes before the first record at or after Start:
// the earliest moment consistent with Start, so the operation is
// concurrent with, never wrongly ordered after, records of its own tick.
// A call is never after the record reporting its return.
func (s stamper) call(r *history.Record) int64 {
	c := 2*r.Seq + 1
	if r.CallSeq > 0 {
		return min(2*r.CallSeq+1, c)
	}
	if s.sampled == nil {
		i := sort.Search(len(s.ats), func(i int) bool { return s.ats[i] >= r.Start })
		if i < len(s.seqs) {
			c = min(c, 2*s.seqs[i]+1)
		}
		return c
	}
	if i := s.firstAtOrAfter(r.Start); i < s.h.Len() {
		c = min(c, 2*int64(i)+1)
	}
	return c
}

// firstAtOrAfter is the first record at or after t (Len if none), in an
// ordered history: the sampled times bound it to one stride, which is
// searched in the history.
func (s stamper) firstAtOrAfter(t time.Duration) int {
	j := sort.Search(len(s.sampled), func(j int) bool { return s.sampled[j] >= t })
	if j == 0 {
		return 0
	}
	lo, hi := (j-1)*stampEvery+1, min(j*stampEvery, s.h.Len())
	return lo + sort.Search(hi-lo, func(k int) bool { return s.h.At(lo+k) >= t })
}

// part is one partition: a queue log or a committed-offset register.
type part struct {
	kind string // "log" or "offset"
	name string
	q    qid
	// ops are the partition's operations once built (seal). While it is
	// built they are in chunks of doubling size (up to maxOpChunk), each
	// filled before the next is made, starts[c] the index of chunk c's
	// first; n counts them. Grown by append instead, a partition's slice
	// was allocated about three to five times over (append grows a long
	// slice by a quarter): a tenth of what a 100k-message run allocated.
	ops    []porcupine.Operation
	chunks [][]porcupine.Operation
	starts []int
	n      int
	// slave counts operations served by an address no send used.
	slave int
	// restarted: the broker's process started or exited (registers only).
	restarted bool
	// unread counts the commits left out of ops because they were called
	// after the register's last read returned (see observedCommits);
	// the partition has len(ops)+unread operations.
	unread int
}

// size is the partition's number of operations, left-out commits
// included (once sealed).
func (p *part) size() int { return len(p.ops) + p.unread }

// maxOpChunk bounds a chunk of a partition being built.
const maxOpChunk = 4096

// add appends op while the partition is built and returns its index.
func (p *part) add(op porcupine.Operation) int {
	if len(p.chunks) == 0 || len(p.chunks[len(p.chunks)-1]) == cap(p.chunks[len(p.chunks)-1]) {
		size := 8
		if len(p.chunks) > 0 {
			size = min(2*cap(p.chunks[len(p.chunks)-1]), maxOpChunk)
		}
		p.chunks = append(p.chunks, make([]porcupine.Operation, 0, size))
		p.starts = append(p.starts, p.n)
	}
	last := &p.chunks[len(p.chunks)-1]
	*last = append(*last, op)
	p.n++
	return p.n - 1
}

// at is operation i while the partition is built.
func (p *part) at(i int) *porcupine.Operation {
	c := len(p.starts) - 1
	if i < p.starts[c] { // not the last chunk: rare (a carried commit's return)
		c = sort.SearchInts(p.starts, i+1) - 1
	}
	return &p.chunks[c][i-p.starts[c]]
}

// seal moves the operations into ops, one allocation of the exact size
// (none for a partition of one chunk).
func (p *part) seal() {
	switch len(p.chunks) {
	case 0:
	case 1:
		p.ops = p.chunks[0]
	default:
		p.ops = make([]porcupine.Operation, 0, p.n)
		for _, c := range p.chunks {
			p.ops = append(p.ops, c...)
		}
	}
	p.chunks, p.starts = nil, nil
}

// attempt is one send attempt not yet resolved.
type attempt struct {
	seq  int64
	key  string
	q    qid
	proc string
}

// builder turns the history into partitioned porcupine operations.
type builder struct {
	st         stamper
	parts      map[partKey]*part
	h          *history.History
	topics     map[string]topicAt         // key → topic it was sent to; nil until topicOf needs it
	useTopics  bool                       // some send names its topic
	firstTopic int                        // index of the first send naming a topic
	masters    map[string]map[string]bool // broker → addresses sends used
	brokerOf   map[string]string          // master proc → brokerName
	replicas   map[copyCoord]bool         // filled only if the history has Lost records
	anyLost    bool
	open       map[string][]attempt // key → attempts awaiting an outcome
	// spare holds the lists of keys resolve settled, emptied, for the
	// next keys' attempts: a send is in flight for a few records only,
	// and a list each cost an allocation per message.
	spare [][]attempt
	// sendCall is a key's history string id → 1 + the Seq of its last
	// SendCall (0: none), indexed rather than hashed (see keys).
	sendCall  []int64
	restarted map[string]bool // brokerName → its master process exited
	// carried: commits riding on a pull, acknowledged by its response.
	carried map[pullKey]opRef
	// lastRead: each client's latest read op of a queue (index in its part).
	lastRead map[pullKey]int
	// unclaimed: per (queue, key), offsets at which a master stored a
	// producer's send that no acknowledged return accounts for; pending
	// attempts take them (see pending). Built at the first pending
	// attempt (unclaimedOffsets): a run whose every send returned never
	// needs it. anyStored: the history has the brokers' ground truth at
	// all.
	unclaimed map[storeKey][]int64
	anyStored bool
	metas     []opMeta // the slab meta fills
	box       boxes
	// readUntil, when not nil, is each register's last read's return:
	// commits called after it are counted, not kept (skipUnread).
	readUntil map[partKey]int64
}

// isSend: the kinds whose topic learn records for their key.
func isSend(k history.Kind) bool {
	return k == history.Intend || k == history.SendCall || k == history.SendAttempt || k == history.SendReturn
}

// topicAt is the first topic a key's send named, and that record's
// index.
type topicAt struct {
	topic string
	at    int
}

type storeKey struct {
	q   qid
	key string
}

type (
	pullKey struct {
		proc, group string
		q           qid
	}
	opRef struct {
		p *part
		i int
	}
)

// buildOps reads the history twice: first what sends and brokers reveal
// (topics, master addresses, broker processes), then the operations.
//
// With skipUnread, a register's commits called after its last read has
// returned are counted (part.unread), not kept: checkPartition would drop
// them anyway (observedCommits), and a consumer commits every 5 s per
// queue for as long as it runs, so in a long run they are most of the
// operations. Explaining an illegal register needs them all: build again
// without skipUnread.
func buildOps(h *history.History, skipUnread bool) []*part {
	b := newBuilder(h)
	b.learnAll()
	if skipUnread {
		b.readUntil = map[partKey]int64{}
		for _, rec := range h.AllOf(history.OffsetRead) {
			if r := &rec; r.Kind == history.OffsetRead && r.Err == "" {
				k := partKey{"offset", r.Group, b.queue(r)}
				b.readUntil[k] = max(b.readUntil[k], b.st.at(r.Seq))
			}
		}
	}
	for _, rec := range h.AllOf(addKinds...) {
		b.add(&rec) // the kinds add reads: Intend, a message each, is most of a run that sends little
	}
	keys := make([]string, 0, len(b.open))
	for k := range b.open {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.resolve(k, nil)
	}
	for _, p := range b.parts {
		p.restarted = p.kind == "offset" && b.restarted[p.q.broker]
	}
	return b.sorted()
}

func newBuilder(h *history.History) *builder {
	return &builder{h: h, st: newStamper(h), parts: map[partKey]*part{},
		masters: map[string]map[string]bool{}, brokerOf: map[string]string{},
		replicas: map[copyCoord]bool{}, open: map[string][]attempt{}, sendCall: make([]int64, h.Strings()),
		restarted: map[string]bool{}, carried: map[pullKey]opRef{}, lastRead: map[pullKey]int{}}
}

// learnAll is the first pass (see buildOps).
func (b *builder) learnAll() {
	// Whether sends name topics, and from which record on: the first
	// record of a send's kinds with a topic decides, so the scan stops
	// there: an Intend (a message each, and in a run that sends little
	// most of its records) and a SendCall say nothing else, and name no
	// broker address.
	for i, rec := range b.h.AllOf(history.Intend, history.SendCall, history.SendAttempt, history.SendReturn) {
		if rec.Topic != "" {
			b.useTopics, b.firstTopic = true, i
			break
		}
	}
	for _, rec := range b.h.AllOf(history.SendAttempt, history.SendReturn, history.Stored, history.Lost) {
		b.learn(&rec) // the kinds learn reads
	}
}

// learn reads a record of the first pass. The topics its sends name are
// read again only if some record needs them (topicOf).
func (b *builder) learn(r *history.Record) {
	switch r.Kind {
	case history.SendAttempt, history.SendReturn:
		if r.BrokerAddr != "" && r.Broker != "" {
			if b.masters[r.Broker] == nil {
				b.masters[r.Broker] = map[string]bool{}
			}
			b.masters[r.Broker][r.BrokerAddr] = true
		}
	case history.Stored:
		if r.Detail != "replica" && r.Proc != "" {
			b.brokerOf[r.Proc] = r.Broker
		}
		if r.Detail == "" && r.Broker != "" {
			b.anyStored = true
		}
	case history.Lost:
		b.anyLost = true
	}
}

// isSlave: the address is known not to be one the broker's master used.
func (b *builder) isSlave(broker, addr string) bool {
	m := b.masters[broker]
	return addr != "" && len(m) > 0 && !m[addr]
}

// queue is the partition queue of r: its topic (or its key's), unless no
// send names topics, in which case topics are left out everywhere.
func (b *builder) queue(r *history.Record) qid { return b.queueAt(r, math.MaxInt) }

// queueAt is queue(r) as it was when only the records before index at
// had been read: the unclaimed offsets are filed by the queue each
// Stored record had when the first pass reached it.
func (b *builder) queueAt(r *history.Record, at int) qid {
	t := r.Topic
	if t == "" {
		t = b.topicOf(r.Key, at)
	}
	if !b.useTopics || b.firstTopic >= at {
		t = ""
	}
	return qid{topic: t, broker: r.Broker, queue: r.QueueID}
}

// topicOf is the first topic a send of key named before index at, or
// "". The map is built on the first call: in a simulated history every
// record with a key names its topic, and a map of every key would cost
// tens of bytes a message for nothing.
func (b *builder) topicOf(key string, at int) string {
	if b.topics == nil {
		b.topics = map[string]topicAt{}
		for i, rec := range b.h.AllOf(history.Intend, history.SendCall, history.SendAttempt, history.SendReturn) {
			if r := &rec; r.Topic != "" && isSend(r.Kind) {
				if _, ok := b.topics[r.Key]; !ok {
					b.topics[r.Key] = topicAt{r.Topic, i}
				}
			}
		}
	}
	if t, ok := b.topics[key]; ok && t.at < at {
		return t.topic
	}
	return ""
}

// partKey identifies a partition: a queue log (group empty) or a group's
// committed offset of a queue.
type partKey struct {
	kind, group string
	q           qid
}

func (b *builder) part(kind, group string, q qid) *part {
	k := partKey{kind, group, q}
	p := b.parts[k]
	if p == nil {
		name := q.String()
		if kind == "offset" {
			name = group + "@" + name
		}
		p = &part{kind: kind, name: name, q: q}
		b.parts[k] = p
	}
	return p
}

func (b *builder) op(p *part, proc string, in, out any, call, ret int64, seqs ...int64) int {
	return p.add(porcupine.Operation{Input: in, Output: out, Call: call, Return: ret,
		Metadata: b.meta(opMeta{proc: proc, seqs: seqs})})
}

// boxes are slabs for the operations' inputs and outputs: a struct value
// stored in an interface (Operation.Input, Output) is copied to the heap,
// one allocation each, two an operation; a pointer into a slab is not.
type boxes struct {
	appendIn  []appendIn
	appendOut []appendOut
	readIn    []readIn
	readOut   []readOut
	commitIn  []commitIn
	fetchOut  []fetchOut
}

// boxed is v's copy in slab.
func boxed[T any](slab *[]T, v T) *T {
	p := fromSlab(slab)
	*p = v
	return p
}

// metaSlab is how many opMeta one allocation of builder.meta holds.
const metaSlab = 1024

// meta stores m in the current slab and returns where: an operation's
// Metadata is a pointer, so neither boxing it nor changing it later
// (its partition, its slave mark, a carried commit's return)
// allocates, one operation at a time.
func (b *builder) meta(m opMeta) *opMeta {
	if len(b.metas) == cap(b.metas) {
		b.metas = make([]opMeta, 0, metaSlab)
	}
	b.metas = append(b.metas, m)
	return &b.metas[len(b.metas)-1]
}

// sorted returns the partitions by name, numbering them, and gives each
// process a dense client id (one visualiser row each).
func (b *builder) sorted() []*part {
	out := make([]*part, 0, len(b.parts))
	for _, p := range b.parts {
		p.seal()
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y *part) int {
		return cmp.Or(cmp.Compare(x.kind, y.kind), cmp.Compare(x.name, y.name))
	})
	procs := map[string]int{}
	for i := range out {
		for j := range out[i].ops {
			m := out[i].ops[j].Metadata.(*opMeta)
			m.part = i
			procs[m.proc] = 0
		}
	}
	ids := make([]string, 0, len(procs))
	for p := range procs {
		ids = append(ids, p)
	}
	slices.Sort(ids)
	for i, p := range ids {
		procs[p] = i
	}
	for _, p := range out {
		for j := range p.ops {
			p.ops[j].ClientId = procs[p.ops[j].Metadata.(*opMeta).proc]
		}
	}
	return out
}

// systemTopic: broker-made copies (%RETRY%, %DLQ%, SCHEDULE_TOPIC_XXXX)
// have no client append; their queues are not judged.
func systemTopic(t string) bool {
	return strings.HasPrefix(t, "%") || strings.HasPrefix(t, "SCHEDULE_TOPIC")
}

// addKinds are the kinds add reads.
var addKinds = []history.Kind{history.SendCall, history.SendAttempt, history.SendAttemptFail, history.SendReturn,
	history.Stored, history.Lost, history.Pull, history.OffsetCommit, history.OffsetRead, history.ProcExit, history.Fault}

// add turns one record into operations (pass two).
func (b *builder) add(r *history.Record) {
	switch r.Kind {
	case history.SendCall:
		b.sendCall[r.KeyRef] = r.Seq + 1
	case history.SendAttempt:
		if r.Broker != "" { // an attempt without a queue appends nowhere
			atts, ok := b.open[r.Key]
			if n := len(b.spare); !ok && n > 0 {
				atts, b.spare = b.spare[n-1], b.spare[:n-1]
			}
			b.open[r.Key] = append(atts, attempt{seq: r.Seq, key: r.Key, q: b.queue(r), proc: r.Proc})
		}
	case history.SendAttemptFail:
		if atts := b.open[r.Key]; len(atts) > 0 {
			b.pending(atts[len(atts)-1], r.Seq)
			b.open[r.Key] = atts[:len(atts)-1]
		}
	case history.SendReturn:
		b.resolve(r.Key, r)
	case history.Stored:
		if b.anyLost {
			b.replicas[copyCoord{r.Proc, b.queue(r), r.QueueOffset}] = r.Detail == "replica"
		}
	case history.Lost:
		if q := b.queue(r); r.Broker != "" && !b.replicas[copyCoord{r.Proc, q, r.QueueOffset}] && !systemTopic(q.topic) {
			b.op(b.part("log", "", q), "broker "+r.Broker, &truncIn{r.QueueOffset}, noOut{},
				b.st.at(r.Seq), b.st.at(r.Seq), r.Seq)
		}
	case history.Pull:
		b.addPull(r)
	case history.OffsetCommit, history.OffsetRead:
		b.addOffset(r)
	case history.ProcExit, history.Fault:
		for p, broker := range b.brokerOf {
			if p == r.Proc || (r.Kind == history.Fault && !isHeal(r.Detail) && onTarget(r.Target, p)) {
				b.restarted[broker] = true
			}
		}
	}
}

// unclaimedOffsets is b.unclaimed, built on first use as learn would
// have: every master copy of a producer's send, by the queue as learn
// saw it at that record, less the offsets acknowledged returns claim.
func (b *builder) unclaimedOffsets() map[storeKey][]int64 {
	if b.unclaimed == nil {
		b.unclaimed = map[storeKey][]int64{}
		for i, rec := range b.h.AllOf(history.Stored) {
			if r := &rec; r.Kind == history.Stored && r.Detail == "" && r.Broker != "" {
				k := storeKey{b.queueAt(r, i), r.Key}
				b.unclaimed[k] = append(b.unclaimed[k], r.QueueOffset)
			}
		}
		b.claimAcknowledged()
	}
	return b.unclaimed
}

// claimAcknowledged removes from unclaimed the offsets that acknowledged
// returns report, so that only copies nobody saw remain for pending
// attempts.
func (b *builder) claimAcknowledged() {
	for _, rec := range b.h.AllOf(history.SendReturn) {
		r := &rec
		if r.Kind != history.SendReturn || r.Status == "" || r.Err != "" || r.Broker == "" {
			continue
		}
		k := storeKey{b.queue(r), r.Key}
		if offs := b.unclaimed[k]; len(offs) > 0 {
			b.unclaimed[k] = slices.DeleteFunc(offs, func(o int64) bool { return o == r.QueueOffset })
		}
	}
}

// pending adds an append whose outcome the client never saw (its attempt
// threw, or it never returned): return at infinity, so the model may place
// it anywhere after its call. Where the history has the brokers' ground
// truth, it settles what the client could not see: an attempt whose key a
// master stored at that queue (at an offset no acknowledged return
// claims) appended there, at that offset; one whose key was never stored
// there appended nothing and is no operation. A black-box checker could
// not do this; the simulator sees the store, and without it thousands of
// refused attempts to a dead broker (each "maybe appended") make the
// search explode. Without Stored records the output stays unknown.
func (b *builder) pending(a attempt, more ...int64) {
	out := appendOut{}
	if b.anyStored {
		k := storeKey{a.q, a.key}
		offs := b.unclaimedOffsets()[k]
		if len(offs) == 0 {
			return
		}
		out = appendOut{offset: offs[0], known: true}
		b.unclaimed[k] = offs[1:]
	}
	b.op(b.part("log", "", a.q), a.proc, boxed(&b.box.appendIn, appendIn{a.key}), boxed(&b.box.appendOut, out),
		b.st.at(a.seq), b.st.infinity, seqs(append([]int64{a.seq}, more...)...)...)
}

// resolve settles a key's open attempts when its send returns (ret), or
// at the end of the history (ret nil). A return with a Status carries the
// offset of the last attempt; every other attempt stays pending.
func (b *builder) resolve(key string, ret *history.Record) {
	atts, ok := b.open[key]
	delete(b.open, key)
	if ok && atts != nil {
		// Free again once read below: pending and op keep no attempt.
		defer func() { b.spare = append(b.spare, clear0(atts)) }()
	}
	if ret == nil || ret.Err != "" || ret.Status == "" {
		var more []int64
		if ret != nil {
			more = []int64{ret.Seq}
		}
		for _, a := range atts {
			b.pending(a, more...)
		}
		return
	}
	call, from := b.st.call(ret), int64(-1)
	if s := b.sendCall[ret.KeyRef] - 1; s >= 0 {
		call, from = b.st.at(s), s
	}
	if n := len(atts); n > 0 {
		call, from = b.st.at(atts[n-1].seq), atts[n-1].seq
		for _, a := range atts[:n-1] {
			b.pending(a)
		}
	}
	q := b.queue(ret)
	b.op(b.part("log", "", q), ret.Proc, boxed(&b.box.appendIn, appendIn{key}),
		boxed(&b.box.appendOut, appendOut{offset: ret.QueueOffset, known: true}),
		call, b.st.at(ret.Seq), seqs(from, ret.Seq)...)
}

// clear0 is atts emptied, its strings dropped so that the spare list
// keeps no key alive.
func clear0(atts []attempt) []attempt {
	clear(atts)
	return atts[:0]
}

func (b *builder) addPull(r *history.Record) {
	q := b.queue(r)
	k := pullKey{r.Proc, r.Group, q}
	if c, ok := b.carried[k]; ok {
		delete(b.carried, k)
		if r.Err == "" {
			op := c.p.at(c.i)
			m := op.Metadata.(*opMeta)
			m.seqs = append(m.seqs, r.Seq)
			op.Return = b.st.at(r.Seq)
		}
	}
	if r.Err != "" || systemTopic(q.topic) || saysNothing(r) {
		return
	}
	p := b.part("log", "", q)
	out := readOut{status: r.Status, msgs: r.Msgs}
	if n := p.n; n > 0 && len(r.Msgs) == 0 && b.lastRead[k] == n-1 {
		// The same client read the same empty answer at the same offset
		// just before, with no other operation of this queue between:
		// keep only the later read. In an append-only log an empty answer
		// that is legal at some moment is legal at every earlier one, so
		// the later read implies the earlier (sound and complete). A
		// consumer spinning on a lagging slave (PULL_RETRY_IMMEDIATELY,
		// facts §2.4) makes thousands of these.
		prev := p.at(n - 1)
		if in, ok := prev.Input.(*readIn); ok && in.offset == r.QueueOffset {
			if po, ok := prev.Output.(*readOut); ok && po.status == out.status && len(po.msgs) == 0 {
				m := prev.Metadata.(*opMeta)
				prev.Call, prev.Return = b.st.call(r), b.st.at(r.Seq)
				*m = opMeta{proc: m.proc, seqs: []int64{r.Seq}}
				b.markSlave(p, n-1, r.BrokerAddr)
				return
			}
		}
	}
	i := b.op(p, r.Proc, boxed(&b.box.readIn, readIn{r.QueueOffset}), boxed(&b.box.readOut, out),
		b.st.call(r), b.st.at(r.Seq), r.Seq)
	b.lastRead[k] = i
	b.markSlave(p, i, r.BrokerAddr)
}

// saysNothing: a pull that found no message for the subscription
// (NO_MATCHED_MSG: tags filtered, or a slave's PULL_RETRY_IMMEDIATELY)
// constrains no log state, so it is no operation for porcupine.
func saysNothing(r *history.Record) bool {
	return r.Status == "NO_MATCHED_MSG" && len(r.Msgs) == 0
}

// addOffset adds an offset read (recorded when it returns) or a commit (a
// write, recorded when sent). No commit is acknowledged, except one
// riding on a pull (Detail "pull"): the broker applies it before it
// answers, so the same client's next Pull of the queue, if it succeeds,
// is its return. Other commits return at infinity.
func (b *builder) addOffset(r *history.Record) {
	q := b.queue(r)
	if r.Err != "" && r.Kind == history.OffsetRead {
		return
	}
	p := b.part("offset", r.Group, q)
	var i int
	if r.Kind == history.OffsetRead {
		i = b.op(p, r.Proc, fetchIn{}, boxed(&b.box.fetchOut, fetchOut{r.Offset}), b.st.call(r), b.st.at(r.Seq), r.Seq)
	} else {
		call := b.st.at(r.Seq)
		if r.Start > 0 || r.CallSeq > 0 {
			call = b.st.call(r)
		}
		if b.unread(r, q, call) {
			p.unread++
			if b.isSlave(p.q.broker, r.BrokerAddr) {
				p.slave++
			}
			if r.Detail == "pull" && r.Err == "" {
				delete(b.carried, pullKey{r.Proc, r.Group, q}) // as a newer commit would replace it
			}
			return
		}
		i = b.op(p, r.Proc, boxed(&b.box.commitIn, commitIn{r.Offset}), noOut{}, call, b.st.infinity, r.Seq)
		if r.Detail == "pull" && r.Err == "" {
			b.carried[pullKey{r.Proc, r.Group, q}] = opRef{p, i}
		}
	}
	b.markSlave(p, i, r.BrokerAddr)
}

// unread reports whether a commit called at call is left out: no read of
// its register returns after it (observedCommits).
func (b *builder) unread(r *history.Record, q qid, call int64) bool {
	if b.readUntil == nil {
		return false
	}
	last, ok := b.readUntil[partKey{"offset", r.Group, q}]
	return !ok || call > last
}

func (b *builder) markSlave(p *part, i int, addr string) {
	if b.isSlave(p.q.broker, addr) {
		p.at(i).Metadata.(*opMeta).slave = true
		p.slave++
	}
}
