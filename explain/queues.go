package explain

import (
	"maps"
	"slices"
	"sort"

	"rmqsim/history"
)

// mq names a message queue of a topic.
type mq struct {
	topic  string
	broker string
	queue  int
}

// ownership is a change of who owns a queue.
type ownership struct {
	seq   int
	proc  string
	owned bool
	// why: "rebalance" or the process exit's Detail.
	why string
}

// commit is a committed offset.
type commit struct {
	seq    int
	offset int64
}

// queueState is one queue's consumer-side history.
type queueState struct {
	owners  map[string]bool
	changes []ownership
	// commits is filled by queues.loadCommits, on the first question
	// about a committed offset (use queues.commitsOf).
	commits []commit
	// lastPull is the last pull of the queue, errSince the first of the
	// failing pulls that end the history (-1 when the last pull worked).
	lastPull, errSince int
	// delivered is the highest offset a listener got, -1 if none.
	delivered int64
}

// queues follows every queue's owners, pulls and commits, and every
// consumer's assignment.
type queues struct {
	byMQ map[mq]*queueState
	// owned is each consumer's current assignment per topic.
	owned map[string]map[string][]history.QueueRef
	// rebalances counts each consumer's Rebalance records per incarnation.
	rebalances map[string]int
	// The committed offsets are read from h (the records of group, or
	// of every group) only when first asked for: only a redelivery or a
	// message left unconsumed asks, and a consumer commits every queue
	// every 5 s, so a run's commits are a large part of its records.
	h             *history.History
	group         string
	commitsLoaded bool
}

func newQueues(h *history.History, group string) *queues {
	return &queues{byMQ: map[mq]*queueState{}, owned: map[string]map[string][]history.QueueRef{},
		rebalances: map[string]int{}, h: h, group: group}
}

// loadCommits files every OffsetCommit with its queue, as add would
// have: counted first, so each queue's list is allocated once.
func (qs *queues) loadCommits() {
	if qs.commitsLoaded {
		return
	}
	qs.commitsLoaded = true
	keep := func(r *history.Record) bool {
		return r.Kind == history.OffsetCommit && (qs.group == "" || r.Group == "" || r.Group == qs.group)
	}
	n := map[mq]int{}
	for _, rec := range qs.h.AllOf(history.OffsetCommit) {
		if r := &rec; keep(r) {
			n[mq{r.Topic, r.Broker, r.QueueID}]++
		}
	}
	for q, c := range n {
		qs.state(q).commits = make([]commit, 0, c)
	}
	for i, rec := range qs.h.AllOf(history.OffsetCommit) {
		if r := &rec; keep(r) {
			s := qs.state(mq{r.Topic, r.Broker, r.QueueID})
			s.commits = append(s.commits, commit{seq: i, offset: r.Offset})
		}
	}
}

// commitsOf is s's committed offsets, in record order.
func (qs *queues) commitsOf(s *queueState) []commit {
	qs.loadCommits()
	return s.commits
}

// state returns (creating) the state of q.
func (qs *queues) state(q mq) *queueState {
	s := qs.byMQ[q]
	if s == nil {
		s = &queueState{owners: map[string]bool{}, lastPull: -1, errSince: -1, delivered: -1}
		qs.byMQ[q] = s
	}
	return s
}

// add applies one record.
func (qs *queues) add(i int, r *history.Record, group string) {
	if group != "" && r.Group != "" && r.Group != group {
		return
	}
	switch r.Kind {
	case history.Rebalance:
		qs.rebalance(i, r)
	case history.ProcExit, history.ProcStart:
		qs.exit(i, r)
	case history.Pull:
		s := qs.state(mq{r.Topic, r.Broker, r.QueueID})
		s.lastPull = i
		if r.Err == "" {
			s.errSince = -1
		} else if s.errSince < 0 {
			s.errSince = i
		}
	case history.Deliver:
		s := qs.state(mq{queueTopic(r), r.Broker, r.QueueID})
		if r.QueueOffset > s.delivered {
			s.delivered = r.QueueOffset
		}
	}
}

// rebalance diffs a consumer's new assignment for a topic with its last.
func (qs *queues) rebalance(i int, r *history.Record) {
	byTopic := qs.owned[r.Proc]
	if byTopic == nil {
		byTopic = map[string][]history.QueueRef{}
		qs.owned[r.Proc] = byTopic
	}
	qs.rebalances[r.Proc]++
	now := map[history.QueueRef]bool{}
	for _, q := range r.Queues {
		now[q] = true
		s := qs.state(mq{r.Topic, q.Broker, q.QueueID})
		if !s.owners[r.Proc] {
			s.owners[r.Proc] = true
			s.changes = append(s.changes, ownership{seq: i, proc: r.Proc, owned: true, why: "rebalance"})
		}
	}
	for _, q := range byTopic[r.Topic] {
		if !now[q] {
			s := qs.state(mq{r.Topic, q.Broker, q.QueueID})
			delete(s.owners, r.Proc)
			s.changes = append(s.changes, ownership{seq: i, proc: r.Proc, owned: false, why: "rebalance"})
		}
	}
	byTopic[r.Topic] = append([]history.QueueRef(nil), r.Queues...)
}

// exit drops every queue of a consumer that exited or restarted.
func (qs *queues) exit(i int, r *history.Record) {
	byTopic := qs.owned[r.Proc]
	if byTopic == nil {
		return
	}
	why := r.Detail
	if r.Kind == history.ProcStart {
		why = "restart"
	}
	for _, topic := range slices.Sorted(maps.Keys(byTopic)) {
		for _, q := range byTopic[topic] {
			s := qs.state(mq{topic, q.Broker, q.QueueID})
			delete(s.owners, r.Proc)
			s.changes = append(s.changes, ownership{seq: i, proc: r.Proc, owned: false, why: why})
		}
	}
	delete(qs.owned, r.Proc)
	qs.rebalances[r.Proc] = 0
}

// committedAt is the last offset committed for queue s before seq, -1
// if none.
func (qs *queues) committedAt(s *queueState, seq int) int64 {
	commits := qs.commitsOf(s)
	k := sort.Search(len(commits), func(k int) bool { return commits[k].seq >= seq })
	if k == 0 {
		return -1
	}
	return commits[k-1].offset
}

// ownersNow lists the queue's current owners, sorted.
func (s *queueState) ownersNow() []string { return slices.Sorted(maps.Keys(s.owners)) }

// lastDrop is the last change that took the queue from an owner, or nil.
func (s *queueState) lastDrop() *ownership {
	for k := len(s.changes) - 1; k >= 0; k-- {
		if !s.changes[k].owned {
			return &s.changes[k]
		}
	}
	return nil
}

// changesBetween lists ownership changes with from < seq < to.
func (s *queueState) changesBetween(from, to int) []ownership {
	k := sort.Search(len(s.changes), func(k int) bool { return s.changes[k].seq > from })
	var out []ownership
	for ; k < len(s.changes) && s.changes[k].seq < to; k++ {
		out = append(out, s.changes[k])
	}
	return out
}
