package check

import "rmqsim/history"

// keys resolves broker records to messages. Clients name a message by its
// body (Key) and also write its msgId (MsgID, the client's UNIQ_KEY) on
// send attempts, returns, deliveries and results; a broker knows the
// msgId, not the body, so its Stored and Lost records may carry the msgId
// as Key. keys maps msgId → body from the client records, in one pass.
//
// It works in the history's string ids: body is indexed by a msgId's id
// and holds its body's id (0: none), a slice a few bytes a string long
// that the judge reads almost in order, where a map of every msgId cost
// a cache miss a lookup in a long run.
type keys struct {
	h    *history.History
	body []history.ID
}

func newKeys(h *history.History) keys {
	k := keys{h: h, body: make([]history.ID, h.Strings())}
	for _, rec := range h.AllOf(history.SendAttempt, history.SendAttemptFail, history.SendReturn, history.Deliver, history.ConsumeResult) {
		r := &rec
		switch r.Kind {
		case history.SendAttempt, history.SendAttemptFail, history.SendReturn, history.Deliver, history.ConsumeResult:
			if r.MsgID != "" && r.Key != "" && r.MsgID != r.Key {
				k.body[r.MsgIDRef] = r.KeyRef
			}
		}
	}
	return k
}

// of is the message key of r and its id: the body a client paired with
// r's MsgID, else the body paired with r's Key (a broker's record naming
// the msgId there), else r.Key.
func (k keys) of(r *history.Record) (string, history.ID) {
	if b := k.body[r.MsgIDRef]; b != 0 && r.MsgID != "" {
		return k.h.Str(b), b
	}
	if b := k.body[r.KeyRef]; b != 0 {
		return k.h.Str(b), b
	}
	return r.Key, r.KeyRef
}
