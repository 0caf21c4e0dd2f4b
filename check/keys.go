package check

import "rmqsim/history"

// keys resolves broker records to messages. Clients name a message by its
// body (Key) and also write its msgId (MsgID, the client's UNIQ_KEY) on
// send attempts, returns, deliveries and results; a broker knows the
// msgId, not the body, so its Stored and Lost records may carry the msgId
// as Key. keys maps msgId → body from the client records, in one pass.
type keys struct {
	m   map[string]string
	hot *history.Front[string] // in front of m: the body, or "" for none
}

func newKeys(h *history.History) keys {
	k := keys{m: make(map[string]string, h.Len()/10), hot: history.NewFront[string]()} // about one msgId per ten records: no rehashing
	for _, rec := range h.AllOf(history.SendAttempt, history.SendAttemptFail, history.SendReturn, history.Deliver, history.ConsumeResult) {
		r := &rec
		switch r.Kind {
		case history.SendAttempt, history.SendAttemptFail, history.SendReturn, history.Deliver, history.ConsumeResult:
			if r.MsgID != "" && r.Key != "" && r.MsgID != r.Key {
				k.m[r.MsgID] = r.Key
			}
		}
	}
	return k
}

// of is the message key of r: the body a client paired with r's MsgID,
// else r.Key.
func (k keys) of(r *history.Record) string {
	if r.MsgID != "" {
		if body := k.body(r.MsgID); body != "" {
			return body
		}
	}
	if body := k.body(r.Key); body != "" {
		return body
	}
	return r.Key
}

// body is the body paired with msgId id, "" if none (a body is never
// empty: a paired record has a Key).
func (k keys) body(id string) string { return k.hot.Get(id, k.lookup) }

func (k keys) lookup(id string) string { return k.m[id] }
