package explain

import (
	"fmt"
	"math"

	"rmqsim/history"
)

// store is how an Explanation keeps its messages: a run of a million
// messages is a million fates, so each is a fateRec of ~110 bytes rather
// than a MessageFate of 264 (eleven string headers, a Reason and a Chain
// with their teller) and a Placement of 64 more. A fate's strings are of
// two sorts: the message's own (its key and msgId, ids in the history's
// table; its offsetMsgId) and the few a run repeats (programs, topics,
// codes, causes, statuses, exceptions, brokers and hosts), kept once in
// words. At turns a fateRec back into the MessageFate it was made from.
type store struct {
	h      *history.History
	t      *teller
	fates  []fateRec
	places []placeRec
	// words[0] is ""; wordIDs is their index while the fates are added.
	words   []string
	wordIDs map[string]uint32
}

// fateRec is one MessageFate, compact.
type fateRec struct {
	chain       []line // shared with other fates of the same verdict
	offsetMsgID string
	reason      line
	key, msgID  history.ID
	index       int32
	copies      int32
	masterCopies,
	lost, deliveries int32
	program, topic, code, cause, status, err uint32 // words
	place                                    int32  // index into places; -1: none
	fate                                     uint8  // index into Fates
	hasReason                                bool
}

// placeRec is one Placement, compact.
type placeRec struct {
	queueOffset, commitLogOffset int64
	broker, host                 uint32 // words
	queueID, storeSize           int32
}

func newStore(h *history.History, t *teller, n int) store {
	return store{h: h, t: t, fates: make([]fateRec, 0, n), words: []string{""}, wordIDs: map[string]uint32{}}
}

// word is s's index in words, added if new.
func (s *store) word(w string) uint32 {
	if w == "" {
		return 0
	}
	if id, ok := s.wordIDs[w]; ok {
		return id
	}
	if len(s.words) == math.MaxUint32 {
		panic("explain: more than 2^32 distinct strings in fates")
	}
	s.wordIDs[w] = uint32(len(s.words))
	s.words = append(s.words, w)
	return uint32(len(s.words) - 1)
}

// small is n as an int32: every count and index of a fate is bounded by
// the history's length, which Explain checks against MaxInt32.
func small(n int) int32 {
	if n < math.MinInt32 || n > math.MaxInt32 {
		panic(fmt.Sprintf("explain: %d does not fit a fate's int32", n))
	}
	return int32(n)
}

// add appends mf, the fate of the message whose key and msgId have the
// history ids key and msgID (msgID 0 when mf.MsgID is "").
func (s *store) add(mf *MessageFate, key, msgID history.ID) {
	if s.h.Str(key) != mf.Key || s.h.Str(msgID) != mf.MsgID {
		panic(fmt.Sprintf("explain: fate of %q: ids %d, %d name other strings", mf.Key, key, msgID))
	}
	r := fateRec{chain: mf.Chain.lines, offsetMsgID: mf.OffsetMsgID, reason: mf.Reason.l,
		hasReason: mf.Reason.t != nil, key: key, msgID: msgID, index: small(mf.Index),
		copies: small(mf.Copies), masterCopies: small(mf.MasterCopies), lost: small(mf.Lost),
		deliveries: small(mf.Deliveries), program: s.word(mf.Program), topic: s.word(mf.Topic),
		code: s.word(mf.Code), cause: s.word(mf.Cause), status: s.word(mf.Status), err: s.word(mf.Err),
		place: -1, fate: uint8(mf.Fate.rank())}
	if r.fate == uint8(len(Fates)) {
		panic(fmt.Sprintf("explain: unknown fate %q", mf.Fate))
	}
	if p := mf.Placement; p != nil {
		r.place = small(len(s.places))
		s.places = append(s.places, placeRec{queueOffset: p.QueueOffset, commitLogOffset: p.CommitLogOffset,
			broker: s.word(p.Broker), host: s.word(p.BrokerHost), queueID: small(p.QueueID), storeSize: small(p.StoreSize)})
	}
	s.fates = append(s.fates, r)
}

// done drops what only add needs.
func (s *store) done() { s.wordIDs = nil }

// fate is r as the MessageFate it was made from.
func (s *store) fate(r *fateRec) MessageFate {
	mf := MessageFate{Key: s.h.Str(r.key), Program: s.words[r.program], Index: int(r.index),
		Topic: s.words[r.topic], Fate: Fates[r.fate], Code: s.words[r.code], Cause: s.words[r.cause],
		Chain: Chain{r.chain, s.t}, Status: s.words[r.status], Err: s.words[r.err],
		MsgID: s.h.Str(r.msgID), OffsetMsgID: r.offsetMsgID, Copies: int(r.copies),
		MasterCopies: int(r.masterCopies), Lost: int(r.lost), Deliveries: int(r.deliveries)}
	if r.hasReason {
		mf.Reason = Reason{r.reason, s.t}
	}
	if r.place >= 0 {
		p := &s.places[r.place]
		mf.Placement = &Placement{Broker: s.words[p.broker], BrokerHost: s.words[p.host], QueueID: int(p.queueID),
			QueueOffset: p.queueOffset, CommitLogOffset: p.commitLogOffset, StoreSize: int(p.storeSize)}
	}
	return mf
}
