package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"rmqsim/history"
)

// Chain is a message's causal chain: one plain sentence a step, in time
// order. Most sentences tell one record (a send() call, an attempt, a
// delivery), so a Chain keeps which record and which sentence, and
// writes the text only when asked (Lines, JSON): a run of a million
// messages, nearly all consumed once, would otherwise keep half a
// kilobyte of text per message that nobody prints.
type Chain struct {
	lines []line
	t     *teller
}

// line is one sentence of a Chain: the record it tells and how.
type line struct {
	rec  int32 // the record told (not used by lineText)
	aux  int32 // lineRoute: the send() call's record; lineText: index into teller.texts
	kind lineKind
}

// lineKind is how a line tells its record.
type lineKind uint8

const (
	lineText        lineKind = iota // teller.texts[aux], written at explain time
	lineCall                        // a SendCall: "<at> <program> called send() for <topic>"
	lineAttempt                     // a SendAttempt with its route (attemptLine)
	lineFail                        // a SendAttemptFail, with the broker's down hosts
	lineReturn                      // a SendReturn (returnLine)
	lineRoute                       // a RouteRefresh inside the call aux
	lineStored                      // a Stored copy
	lineLost                        // a Lost copy
	lineDelivered                   // a consumed-once Deliver
	lineRedelivered                 // a Deliver of a message delivered more than once (reconsumeTimes)
	lineConsumedBy                  // a consumed-once message's Reason, from its Deliver
)

// teller writes a chain's lines: it holds what a line needs besides its
// record (the nodes' states for a failed attempt, the texts written at
// explain time). It never changes after Explain returns, so Chains may
// be read from several goroutines.
type teller struct {
	h     *history.History
	nodes *nodes
	texts []string
	// slab is where sorted takes the next chain's lines from: one
	// allocation per lineSlab lines instead of one per chain (a chain
	// has a handful). Each chain's slice is capped at its length, so
	// no append to one reaches the next.
	slab []line
}

// lineSlab is how many lines one allocation of the teller's slab holds.
const lineSlab = 4096

// lines is a new slice of n lines, from the slab.
func (t *teller) lines(n int) []line {
	if n == 0 {
		return []line{} // empty, not nil: a verdict's lines are made once
	}
	if n > lineSlab/4 {
		return make([]line, n)
	}
	if len(t.slab) < n {
		t.slab = make([]line, lineSlab)
	}
	out := t.slab[:n:n]
	t.slab = t.slab[n:]
	return out
}

// Len is the number of sentences.
func (c Chain) Len() int { return len(c.lines) }

// Lines is the chain's sentences in time order, as a new slice.
func (c Chain) Lines() []string {
	out := make([]string, len(c.lines))
	for i, l := range c.lines {
		out[i] = c.t.tell(l)
	}
	return out
}

// MarshalJSON writes the chain as an array of sentences ("[]" when
// empty), with HTML characters as they are: an encoder that escapes them
// (json.Marshal) still does, since it escapes a Marshaler's output.
func (c Chain) MarshalJSON() ([]byte, error) { return marshalUnescaped(c.Lines()) }

// marshalUnescaped is v as JSON without HTML escapes.
func marshalUnescaped(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Reason is a message's one-line explanation. Like a Chain's lines it
// is written when read: a consumed-once message's (nearly every message
// of a long run) is told from its Deliver record, the others were
// written at explain time and are kept by the teller.
type Reason struct {
	l line
	t *teller
}

// String is the sentence ("" for the zero Reason).
func (r Reason) String() string {
	if r.t == nil {
		return ""
	}
	return r.t.tell(r.l)
}

// MarshalJSON writes the sentence as a JSON string, with HTML characters
// as they are (see Chain.MarshalJSON).
func (r Reason) MarshalJSON() ([]byte, error) { return marshalUnescaped(r.String()) }

// written is a Reason of text s, kept by t.
func (t *teller) written(s string) Reason {
	return Reason{line{kind: lineText, aux: t.text(s)}, t}
}

// text adds a sentence written now and returns its index.
func (t *teller) text(s string) int32 {
	if len(t.texts) == math.MaxInt32 {
		panic("explain: more than 2^31 written sentences")
	}
	t.texts = append(t.texts, s)
	return int32(len(t.texts) - 1)
}

// tell writes one line.
func (t *teller) tell(l line) string {
	if l.kind == lineText {
		return t.texts[l.aux]
	}
	r := t.h.Record(int(l.rec))
	switch l.kind {
	case lineCall:
		return fmt.Sprintf("%s %s called send() for %s", at(r.At), programName(r.Proc), r.Topic)
	case lineAttempt:
		return attemptLine(&r)
	case lineFail:
		return failLine(t.nodes, int(l.rec), &r)
	case lineReturn:
		return returnLine(&r)
	case lineRoute:
		return routeLine(&r, t.h.Record(int(l.aux)).At)
	case lineStored:
		return fmt.Sprintf("%s stored by %s: %s queue %d offset %d (commit log offset %d, %d bytes)",
			at(r.At), hostOf(r.Proc), r.Broker, r.QueueID, r.QueueOffset, r.CommitLogOffset, r.StoreSize)
	case lineLost:
		return fmt.Sprintf("%s lost on %s: %s", at(r.At), hostOf(r.Proc), exitDetail(r.Detail))
	case lineDelivered:
		return fmt.Sprintf("%s delivered to %s from %s queue %d offset %d", at(r.At),
			programName(r.Proc), r.Broker, r.QueueID, r.QueueOffset)
	case lineConsumedBy:
		return fmt.Sprintf("consumed by %s at %s from %s queue %d offset %d", programName(r.Proc), at(r.At),
			r.Broker, r.QueueID, r.QueueOffset)
	case lineRedelivered:
		return fmt.Sprintf("%s delivered to %s from %s queue %d offset %d (reconsumeTimes %d)",
			at(r.At), programName(r.Proc), r.Broker, r.QueueID, r.QueueOffset, r.Attempt)
	}
	panic(fmt.Sprintf("explain: line kind %d", l.kind))
}

// step is one sentence of a causal chain under construction, placed by
// the record it tells (or, for a written sentence, the record it is
// about; endSeq after every record).
type step struct {
	seq int
	line
	text string // a lineText's sentence
}

// steps is a causal chain under construction.
type steps []step

// endSeq places a concluding sentence after every record.
const endSeq = math.MaxInt

// add adds a sentence written now.
func (s *steps) add(seq int, text string) { *s = append(*s, step{seq: seq, text: text}) }

// record adds the line of kind telling record seq.
func (s *steps) record(seq int, kind lineKind) {
	*s = append(*s, step{seq: seq, line: line{rec: int32(seq), kind: kind}})
}

// route adds the line of the route query seq made during call.
func (s *steps) route(seq, call int) {
	*s = append(*s, step{seq: seq, line: line{rec: int32(seq), aux: int32(call), kind: lineRoute}})
}

// sorted is the chain's lines in record order (stable, so lines of one
// record keep the order they were added in), its written sentences
// handed to t. It sorts s in place.
func (s steps) sorted(t *teller) []line {
	c := s
	slices.SortStableFunc(c, func(a, b step) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	out := t.lines(len(c))
	for i, st := range c {
		out[i] = st.line
		if st.kind == lineText {
			out[i].aux = t.text(st.text)
		}
	}
	return out
}

// routeLine tells a route query made during a send() call that began at
// callAt.
func routeLine(r *history.Record, callAt time.Duration) string {
	after := ""
	if took := r.At - callAt; took >= time.Second {
		after = " after " + age(took)
	}
	what := "answered " + r.Status + after
	if r.Err != "" {
		what = "failed" + after + ": " + shortErr(r.Err)
	}
	ns := "a nameserver"
	if r.NameServer != "" {
		ns = hostOf(r.NameServer)
	}
	return fmt.Sprintf("%s route query for %s to %s %s", at(r.At), r.Topic, ns, what)
}
