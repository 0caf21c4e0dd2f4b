package history

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Kind is what a record reports.
type Kind string

// Lifecycle and faults.
const (
	// ProcStart: Proc started (a fresh incarnation).
	ProcStart Kind = "proc-start"
	// ProcExit: Proc ended; Detail says how (kill, stop, power-off, exit).
	ProcExit Kind = "proc-exit"
	// Fault: a fault was injected; Detail names it, Target its target.
	Fault Kind = "fault"
	// Step: a named scenario step began (Detail = step name).
	Step Kind = "step"
)

// Producer side.
const (
	// SendCall: the program called send() for Key (Index = its number).
	SendCall Kind = "send-call"
	// SendAttempt: one attempt of a send to Broker/QueueID (Attempt from 1).
	// RouteAge is how old the cached route used was (-1: fetched now).
	SendAttempt Kind = "send-attempt"
	// SendAttemptFail: an attempt failed (Err) and may be retried.
	SendAttemptFail Kind = "send-attempt-fail"
	// SendReturn: send() returned: Status (SEND_OK, ...) with MsgID,
	// OffsetMsgID, Broker, QueueID, QueueOffset; or Err (exception text).
	SendReturn Kind = "send-return"
	// ProgramExit: an application program ended (Detail: why).
	ProgramExit Kind = "program-exit"
	// ClientStart: a client's start() returned in program Proc (Group;
	// Detail: producer or consumer); Err is the exception it threw, e.g.
	// a push consumer's IllegalStateException with every nameserver down.
	ClientStart Kind = "client-start"
	// Intend: program Proc is meant to send Key (Index) to Topic. The
	// runner records one per message of every producer program when the
	// program's start time becomes known (Start = that time): at time 0
	// for a start at a fixed time, when its anchor happens for a start
	// relative to a step or a program's exit, and at the end of the run
	// (Start = 0) for a program whose start never came. So a message the
	// program never reached still has a fate.
	Intend Kind = "intend"
)

// Broker ground truth.
const (
	// Stored: Broker stored Key at QueueID/QueueOffset, CommitLogOffset,
	// StoreSize; Proc is the broker process (master or slave replica).
	Stored Kind = "stored"
	// Lost: a stored message vanished (power-off before flush); Detail why.
	Lost Kind = "lost"
)

// Consumer side.
const (
	// Pull: a pull returned. Start is when it was sent. Status is the
	// broker's answer or Err the failure; Msgs lists (offset, key) found;
	// NextOffset is nextBeginOffset.
	Pull Kind = "pull"
	// Deliver: the listener got Key (ReconsumeTimes in Attempt).
	Deliver Kind = "deliver"
	// ConsumeResult: the listener returned Status for Key.
	ConsumeResult Kind = "consume-result"
	// OffsetCommit: the client committed Offset for Group/Topic/QueueID to
	// BrokerAddr (Detail: oneway, pull, shutdown).
	OffsetCommit Kind = "offset-commit"
	// OffsetRead: the client read the committed offset: Offset, or Err.
	OffsetRead Kind = "offset-read"
	// Rebalance: the queues a consumer owns for Topic now (Queues).
	Rebalance Kind = "rebalance"
)

// Client common and observer.
const (
	// RouteRefresh: a route query for Topic to NameServer returned Status
	// (SUCCESS, TOPIC_NOT_EXIST) or Err; Route summarises the route.
	RouteRefresh Kind = "route-refresh"
	// NSAttach: the client now talks to NameServer.
	NSAttach Kind = "ns-attach"
	// Observe: what one panel of the console shows now (Detail names the
	// panel, e.g. "cluster", "home/topicInToday"): Counts are its figures
	// keyed <view>/<figure>[/<broker or topic>], nil if it shows nothing;
	// Start is when the data shown was read; StaleSince, if set, is when a
	// refresh first failed to replace it; Err is the toast the page showed
	// (the last failure since the data was read).
	Observe Kind = "observe"
)

// MsgRef names one message in a queue.
type MsgRef struct {
	Offset int64  `json:"offset"`
	Key    string `json:"key"`
}

// QueueRef names a message queue.
type QueueRef struct {
	Broker  string `json:"broker"`
	QueueID int    `json:"queue"`
}

// Record is one history entry. Fields not relevant to a Kind are zero.
type Record struct {
	Seq   int64         `json:"seq"`
	At    time.Duration `json:"at"`
	Start time.Duration `json:"start,omitempty"`
	Kind  Kind          `json:"kind"`
	Proc  string        `json:"proc,omitempty"`

	Key             string `json:"key,omitempty"`
	Index           int    `json:"index,omitempty"`
	MsgID           string `json:"msg_id,omitempty"`
	OffsetMsgID     string `json:"offset_msg_id,omitempty"`
	Topic           string `json:"topic,omitempty"`
	Group           string `json:"group,omitempty"`
	Broker          string `json:"broker,omitempty"`
	BrokerAddr      string `json:"broker_addr,omitempty"`
	QueueID         int    `json:"queue_id"`
	QueueOffset     int64  `json:"queue_offset"`
	CommitLogOffset int64  `json:"commit_log_offset,omitempty"`
	StoreSize       int    `json:"store_size,omitempty"`
	Attempt         int    `json:"attempt,omitempty"`

	Status     string           `json:"status,omitempty"`
	Err        string           `json:"err,omitempty"`
	NameServer string           `json:"name_server,omitempty"`
	RouteAge   time.Duration    `json:"route_age,omitempty"`
	Route      string           `json:"route,omitempty"`
	Msgs       []MsgRef         `json:"msgs,omitempty"`
	NextOffset int64            `json:"next_offset,omitempty"`
	Offset     int64            `json:"offset,omitempty"`
	Queues     []QueueRef       `json:"queues,omitempty"`
	Counts     map[string]int64 `json:"counts,omitempty"`
	Target     string           `json:"target,omitempty"`
	Detail     string           `json:"detail,omitempty"`
	StaleSince time.Duration    `json:"stale_since,omitempty"`

	// CallSeq is, for a record written when an operation returns (Pull,
	// OffsetCommit, OffsetRead), the history's length when the operation
	// was called: exactly the records with Seq < CallSeq came before the
	// call. Start has only the virtual time, and many records share a
	// tick. 0 means not recorded; the judges then place the call before
	// every record at or after Start (see check/doc.go).
	CallSeq int64 `json:"call_seq,omitempty"`

	// KeyRef and MsgIDRef are Key's and MsgID's ids in the history's
	// table of distinct strings (History.Str): dense integers in
	// first-seen order, so a judge can index a slice by a message instead
	// of hashing its key into a map. A History sets them on every record
	// it yields (0 for an empty string); appending ignores them, and
	// they are no part of the record's JSON. A Record built by hand has
	// them 0: the judges, which read them, take every record they judge
	// from a History.
	KeyRef   ID `json:"-"`
	MsgIDRef ID `json:"-"`
}

// ID is a string's id in one history's table of distinct strings: 0 is
// "", the others count up from 1 in the order the history first saw
// them. Ids of different histories are unrelated.
type ID uint32

// String is a one-line description for logs and explanations.
func (r *Record) String() string {
	s := fmt.Sprintf("#%d %v %s %s", r.Seq, r.At, r.Kind, r.Proc)
	if r.Key != "" {
		s += " key=" + r.Key
	}
	if r.Broker != "" {
		s += fmt.Sprintf(" %s/%d@%d", r.Broker, r.QueueID, r.QueueOffset)
	}
	if r.Status != "" {
		s += " status=" + r.Status
	}
	if r.Err != "" {
		s += " err=" + r.Err
	}
	if r.Detail != "" {
		s += " " + r.Detail
	}
	return s
}

// WriteJSONL writes one JSON record a line.
func (h *History) WriteJSONL(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, r := range h.All() {
		if err := enc.Encode(&r); err != nil {
			return err
		}
	}
	return nil
}

// ReadJSONL reads records written by WriteJSONL (hand-made histories for
// judge tests too). Errors name the line.
func ReadJSONL(r io.Reader) (*History, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	h := New(0)
	for line := 1; dec.More(); line++ {
		var rec Record
		if err := dec.Decode(&rec); err != nil {
			return nil, fmt.Errorf("record %d: %w", line, err)
		}
		h.Append(rec)
	}
	return h, nil
}
