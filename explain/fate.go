package explain

import (
	"bytes"
	"encoding/json"
	"strconv"
	"sync"
	"time"

	"rmqsim/model"
)

// Fate is what finally happened to one intended message (see the package
// documentation for the taxonomy and its precedence).
type Fate string

// The fates, in the order reports list them.
const (
	ConsumedOnce         Fate = "consumed-once"
	ConsumedMoreThanOnce Fate = "consumed-more-than-once"
	AckedNotConsumed     Fate = "acked-not-consumed"
	AckedThenLost        Fate = "acked-then-lost"
	StoredNotAcked       Fate = "stored-not-acked"
	SendFailed           Fate = "send-failed"
	NeverSent            Fate = "never-sent"
)

// Fates lists every fate in report order.
var Fates = []Fate{ConsumedOnce, ConsumedMoreThanOnce, AckedNotConsumed,
	AckedThenLost, StoredNotAcked, SendFailed, NeverSent}

// rank is a fate's position in Fates, for sorting.
func (f Fate) rank() int {
	for i, g := range Fates {
		if g == f {
			return i
		}
	}
	return len(Fates)
}

// Options tunes an explanation.
type Options struct {
	// Cluster names the nameserver and broker hosts; nil infers them from
	// the history (NameServer addresses, Stored records).
	Cluster *model.ClusterSpec
	// Horizon is when the run ended; 0 means the last record's time.
	Horizon time.Duration
	// Group counts only deliveries to this consumer group; "" counts all.
	Group string
}

// Placement is where a message's surviving copy was stored (its master
// copy when there is one), as the broker reported it.
type Placement struct {
	Broker          string `json:"broker"`
	BrokerHost      string `json:"broker_host,omitempty"`
	QueueID         int    `json:"queue_id"`
	QueueOffset     int64  `json:"queue_offset"`
	CommitLogOffset int64  `json:"commit_log_offset"`
	StoreSize       int    `json:"store_size"`
}

// MessageFate is one message's fate and its causal chain.
type MessageFate struct {
	Key     string `json:"key"`
	Program string `json:"program,omitempty"`
	Index   int    `json:"index"`
	Topic   string `json:"topic,omitempty"`
	Fate    Fate   `json:"fate"`
	// Code is the cause's machine name (e.g. program-exited-after-exception).
	Code string `json:"code"`
	// Cause is the cause shared by every message it applies to (no
	// per-message detail), used to group.
	Cause string `json:"cause"`
	// Reason is the one-line explanation of this message (written out
	// when read: Reason.String).
	Reason Reason `json:"reason"`
	// Chain is the causal chain, one plain sentence a step, in time order
	// (written out when read: Chain.Lines).
	Chain Chain `json:"chain"`
	// Status is the SendResult status, Err the exception send() threw.
	Status      string `json:"status,omitempty"`
	Err         string `json:"err,omitempty"`
	MsgID       string `json:"msg_id,omitempty"`
	OffsetMsgID string `json:"offset_msg_id,omitempty"`
	// Copies is how many stored copies (master and replicas) it had,
	// MasterCopies how many of them were masters', Lost how many
	// vanished, Deliveries how often a listener got it.
	Copies       int `json:"copies"`
	MasterCopies int `json:"master_copies"`
	Lost         int `json:"lost"`
	Deliveries   int `json:"deliveries"`
	*Placement
}

// CauseCount is one grouped cause.
type CauseCount struct {
	Fate  Fate   `json:"fate"`
	Code  string `json:"code"`
	Cause string `json:"cause"`
	Count int    `json:"count"`
	// Example is the first message (in message order) with this cause.
	Example string `json:"example"`
}

// Explanation is the fate of every message of a run. It keeps each
// message compactly (see fateRec): Len and At read them, Message finds
// one by key, and MarshalJSON writes them as the array "messages".
type Explanation struct {
	Horizon    time.Duration  `json:"horizon"`
	FateCounts map[string]int `json:"fate_counts"`
	Causes     []CauseCount   `json:"causes"`
	store
	// byKey indexes the messages by key, made at the first Message call
	// (a run printed whole never needs it).
	byKey    map[string]int
	keysOnce sync.Once
}

// Len is how many messages the explanation tells.
func (e *Explanation) Len() int { return len(e.fates) }

// At is message i's fate (0 ≤ i < Len()), in message order: the order
// in which the run first named the messages.
func (e *Explanation) At(i int) MessageFate { return e.fate(&e.fates[i]) }

// Message returns the fate of key, or nil.
func (e *Explanation) Message(key string) *MessageFate {
	e.keysOnce.Do(func() {
		e.byKey = make(map[string]int, len(e.fates))
		for i := range e.fates {
			e.byKey[e.h.Str(e.fates[i].key)] = i
		}
	})
	i, ok := e.byKey[key]
	if !ok {
		return nil
	}
	mf := e.At(i)
	return &mf
}

// MarshalJSON writes {"horizon", "messages", "fate_counts", "causes"},
// the messages one after another rather than built as one slice first.
// Strings are written unescaped; an encoder that escapes HTML escapes
// them when it copies this out, as it would the fields of a struct.
func (e *Explanation) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	put := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		b.Truncate(b.Len() - 1) // Encode's newline
		return nil
	}
	b.WriteString(`{"horizon":`)
	b.WriteString(strconv.FormatInt(int64(e.Horizon), 10))
	b.WriteString(`,"messages":[`)
	for i := range e.fates {
		if i > 0 {
			b.WriteByte(',')
		}
		mf := e.At(i)
		if err := put(&mf); err != nil {
			return nil, err
		}
	}
	b.WriteString(`],"fate_counts":`)
	if err := put(e.FateCounts); err != nil {
		return nil, err
	}
	b.WriteString(`,"causes":`)
	if err := put(e.Causes); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Totals are the run's message counters derived from the fates.
type Totals struct {
	Intended       int `json:"intended"`
	SendOK         int `json:"send_ok"`
	SendFailed     int `json:"send_failed"`
	NeverSent      int `json:"never_sent"`
	Stored         int `json:"stored"`
	ConsumedUnique int `json:"consumed_unique"`
	Duplicates     int `json:"duplicates"`
	LostAcked      int `json:"lost_acked"`
}

// Totals counts the messages as `simulate run -json` reports them:
// SendOK those whose send() returned SEND_OK, SendFailed those whose
// send() threw or returned another status (a call that never returned is
// in neither), NeverSent those never tried, Stored those a master stored,
// Duplicates the deliveries beyond the first, LostAcked the SEND_OK ones
// no listener got (fates acked-not-consumed and acked-then-lost).
func (e *Explanation) Totals() Totals {
	var t Totals
	for i := range e.fates {
		m := &e.fates[i]
		t.Intended++
		switch {
		case e.words[m.status] == "SEND_OK":
			t.SendOK++
			if m.deliveries == 0 {
				t.LostAcked++
			}
		case m.status != 0 || m.err != 0:
			t.SendFailed++
		case Fates[m.fate] == NeverSent:
			t.NeverSent++
		}
		if m.masterCopies > 0 {
			t.Stored++
		}
		if m.deliveries > 0 {
			t.ConsumedUnique++
			t.Duplicates += int(m.deliveries) - 1
		}
	}
	return t
}
