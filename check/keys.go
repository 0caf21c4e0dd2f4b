package check

import "rmqsim/history"

// keys resolves broker records to messages. Clients name a message by its
// body (Key) and also write its msgId (MsgID, the client's UNIQ_KEY) on
// send attempts, returns, deliveries and results; a broker knows the
// msgId, not the body, so its Stored and Lost records may carry the msgId
// as Key. keys maps msgId → body from the client records, in one pass.
type keys map[string]string

func newKeys(h *history.History) keys {
	k := make(keys, h.Len()/10) // about one msgId per ten records: no rehashing
	for _, rec := range h.AllOf(history.SendAttempt, history.SendAttemptFail, history.SendReturn, history.Deliver, history.ConsumeResult) {
		r := &rec
		switch r.Kind {
		case history.SendAttempt, history.SendAttemptFail, history.SendReturn, history.Deliver, history.ConsumeResult:
			if r.MsgID != "" && r.Key != "" && r.MsgID != r.Key {
				k[r.MsgID] = r.Key
			}
		}
	}
	return k
}

// of is the message key of r: the body a client paired with r's MsgID,
// else r.Key.
func (k keys) of(r *history.Record) string {
	if body, ok := k[r.MsgID]; ok && r.MsgID != "" {
		return body
	}
	if body, ok := k[r.Key]; ok {
		return body
	}
	return r.Key
}
