package explain

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// WriteText prints the explanation for readers: every message's fate,
// reason and chain, then the fate counts and the grouped causes. With
// onlyKey set, only that message (an error if there is none).
func WriteText(w io.Writer, e *Explanation, onlyKey string) error {
	bw := bufio.NewWriter(w)
	if onlyKey != "" {
		m := e.Message(onlyKey)
		if m == nil {
			return fmt.Errorf("no message with key %q in this run", onlyKey)
		}
		writeMessage(bw, m)
		return bw.Flush()
	}
	for i := range e.Len() {
		m := e.At(i)
		writeMessage(bw, &m)
	}
	fmt.Fprintln(bw)
	WriteSummary(bw, e)
	return bw.Flush()
}

// writeMessage prints "key: fate — reason", then the chain indented.
func writeMessage(w io.Writer, m *MessageFate) {
	fmt.Fprintf(w, "%s: %s — %s\n", m.Key, m.Fate, m.Reason)
	if m.Placement != nil {
		fmt.Fprintf(w, "    where: %s queue %d offset %d, commit log offset %d, %d bytes",
			m.Broker, m.QueueID, m.QueueOffset, m.CommitLogOffset, m.StoreSize)
		if m.OffsetMsgID != "" {
			fmt.Fprintf(w, ", offsetMsgId %s", m.OffsetMsgID)
		}
		fmt.Fprintln(w)
	}
	for _, line := range m.Chain.Lines() {
		fmt.Fprintf(w, "    %s\n", line)
	}
}

// WriteSummary prints the fate counts (every fate, in taxonomy order)
// and the grouped causes.
func WriteSummary(w io.Writer, e *Explanation) {
	fmt.Fprintf(w, "Fates of %s (horizon %s):\n", plural(e.Len(), "message"), at(e.Horizon))
	for _, f := range Fates {
		fmt.Fprintf(w, "  %-24s %6d\n", f, e.FateCounts[string(f)])
	}
	fmt.Fprintln(w, "Causes:")
	for _, c := range e.Causes {
		fmt.Fprintf(w, "  %6d  %s: %s (e.g. %s)\n", c.Count, c.Fate, c.Cause, c.Example)
	}
}

// WriteJSON prints the explanation as one JSON object (with onlyKey set,
// that message's object only).
func WriteJSON(w io.Writer, e *Explanation, onlyKey string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if onlyKey != "" {
		m := e.Message(onlyKey)
		if m == nil {
			return fmt.Errorf("no message with key %q in this run", onlyKey)
		}
		return enc.Encode(m)
	}
	return enc.Encode(e)
}
