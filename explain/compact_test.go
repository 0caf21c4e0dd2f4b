package explain

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"rmqsim/history"
)

// plainExplanation is an Explanation as a plain struct of the same JSON
// fields: what encoding/json writes for it is what Explanation's own
// MarshalJSON must write.
type plainExplanation struct {
	Horizon    time.Duration  `json:"horizon"`
	Messages   []MessageFate  `json:"messages"`
	FateCounts map[string]int `json:"fate_counts"`
	Causes     []CauseCount   `json:"causes"`
}

func plain(e *Explanation) plainExplanation {
	p := plainExplanation{Horizon: e.Horizon, Messages: []MessageFate{}, FateCounts: e.FateCounts, Causes: e.Causes}
	for i := range e.Len() {
		p.Messages = append(p.Messages, e.At(i))
	}
	return p
}

// encodings are v written by json.Marshal (HTML escaped), and by an
// Encoder without HTML escapes and indented, as WriteJSON writes.
func encodings(t *testing.T, v any) [2][]byte {
	t.Helper()
	a, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return [2][]byte{a, b.Bytes()}
}

// escapes is a history whose exception text and topic hold the characters
// an HTML-escaping encoder rewrites.
func escapes() *history.History {
	h := &history.History{}
	h.Add(history.Record{Kind: history.Intend, Proc: "client01/p1", Key: "k<1>", Topic: "t&u"})
	h.Add(history.Record{Kind: history.SendCall, Proc: "client01/p1", Key: "k<1>", Topic: "t&u"})
	h.Add(history.Record{Kind: history.SendReturn, Proc: "client01/p1", Key: "k<1>", Topic: "t&u",
		Err: "MQClientException: <no route> & more"})
	return h
}

// TestExplanationJSON: the compact store writes, through MarshalJSON,
// the same bytes as the MessageFates it was made from in a plain struct,
// escaped and not, for every hand-made history, one with characters to
// escape, and an empty one.
func TestExplanationJSON(t *testing.T) {
	cases := map[string]*history.History{"escapes": escapes(), "empty": {}}
	for _, name := range histories {
		cases[name] = load(t, name)
	}
	for name, h := range cases {
		e := Explain(h, Options{})
		got, want := encodings(t, e), encodings(t, plain(e))
		for i := range got {
			if !bytes.Equal(got[i], want[i]) {
				t.Errorf("%s: encoding %d differs:\n got %.300s\nwant %.300s", name, i, got[i], want[i])
			}
		}
		if name == "escapes" && !bytes.Contains(got[0], []byte(`\u003cno route\u003e \u0026 more`)) {
			t.Errorf("escapes: json.Marshal did not escape the exception text: %.300s", got[0])
		}
	}
}

// TestAtKeepsEveryField: At gives back what the explainer decided, field
// by field, for every message of the hand-made histories: Message(key)
// agrees with At, and the placements and counts are the ones the text
// report prints.
func TestAtKeepsEveryField(t *testing.T) {
	placed := 0
	for _, name := range histories {
		e := Explain(load(t, name), Options{})
		for i := range e.Len() {
			m := e.At(i)
			byKey := e.Message(m.Key)
			if byKey == nil {
				t.Fatalf("%s: Message(%q) is nil", name, m.Key)
			}
			a, _ := json.Marshal(m)
			b, _ := json.Marshal(byKey)
			if !bytes.Equal(a, b) {
				t.Errorf("%s: At(%d) and Message(%q) differ:\n%s\n%s", name, i, m.Key, a, b)
			}
			if m.Placement != nil {
				placed++
			}
			if m.Fate == "" || m.Code == "" || m.Cause == "" || m.Reason.String() == "" {
				t.Errorf("%s: %q lost its fate, code, cause or reason: %+v", name, m.Key, m)
			}
		}
	}
	if placed == 0 {
		t.Error("no message of the hand-made histories has a placement: the test reads none back")
	}
	if e := Explain(&history.History{}, Options{}); e.Message("x") != nil || e.Len() != 0 {
		t.Error("an empty history's explanation has messages")
	}
}
