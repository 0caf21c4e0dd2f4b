package explore

import (
	"fmt"
	"slices"
	"time"

	"rmqsim/check"
	"rmqsim/history"
	"rmqsim/scenarios"
)

// The symptoms below read a run's Result: its history (ground truth and
// the clients' own records) and its judgement. They are what the
// properties of this package assert.

// SendErrors lists the send() calls that threw (SendReturn with Err) and
// returned at or after from.
func SendErrors(res *scenarios.Result, from time.Duration) []history.Record {
	var out []history.Record
	for _, r := range res.History.All() {
		if r.Kind == history.SendReturn && r.Err != "" && r.At >= from {
			out = append(out, r)
		}
	}
	return out
}

// ReturnedAfter counts the send() calls that returned a SendResult (any
// status: SEND_OK, or e.g. SLAVE_NOT_AVAILABLE from a SYNC_MASTER without
// a slave) at or after from.
func ReturnedAfter(res *scenarios.Result, from time.Duration) int {
	n := 0
	for _, r := range res.History.All() {
		if r.Kind == history.SendReturn && r.Err == "" && r.At >= from {
			n++
		}
	}
	return n
}

// DeliveredAfter counts deliveries to the consumer group's listener at or
// after from.
func DeliveredAfter(res *scenarios.Result, from time.Duration) int {
	n := 0
	for _, r := range res.History.All() {
		if r.Kind == history.Deliver && r.Group == ConsumerGroup && r.At >= from {
			n++
		}
	}
	return n
}

// Failures lists the judges' failures (violations outside the declared
// tolerance) of property p, of any cause if causes is empty.
func Failures(res *scenarios.Result, p check.Property, causes ...check.Cause) []check.Violation {
	var out []check.Violation
	for _, v := range res.Judgement.Violations {
		if v.Property != p {
			continue
		}
		if len(causes) == 0 || slices.Contains(causes, v.Cause) {
			out = append(out, v)
		}
	}
	return out
}

// HiddenOnSlave lists the acknowledged messages a slave stored (a
// "replica" Stored record) that the consumer group never got by the end
// of the run, in key order of first storage.
func HiddenOnSlave(res *scenarios.Result) []string {
	acked := map[string]bool{}
	delivered := map[string]bool{}
	var onSlave []string
	seen := map[string]bool{}
	for _, r := range res.History.All() {
		switch {
		case r.Kind == history.SendReturn && r.Status == "SEND_OK":
			acked[r.Key] = true
		case r.Kind == history.Deliver && r.Group == ConsumerGroup:
			delivered[r.Key] = true
		case r.Kind == history.Stored && r.Detail == "replica" && r.Topic == Topic && !seen[r.Key]:
			seen[r.Key] = true
			onSlave = append(onSlave, r.Key)
		}
	}
	var out []string
	for _, k := range onSlave {
		if acked[k] && !delivered[k] {
			out = append(out, k)
		}
	}
	return out
}

// AliveAtEnd reports whether the process of service svc on host ran at
// the end of the run: its last ProcStart came after its last ProcExit.
func AliveAtEnd(res *scenarios.Result, host, svc string) bool {
	proc := host + "/" + svc
	alive := false
	for _, r := range res.History.All() {
		if r.Proc != proc {
			continue
		}
		switch r.Kind {
		case history.ProcStart:
			alive = true
		case history.ProcExit:
			alive = false
		}
	}
	return alive
}

// Isolated reports whether the schedule leaves host partitioned away at
// the end (a Partition of it with no Heal after).
func (c *Case) Isolated(host string) bool {
	cut := false
	for _, f := range c.Faults {
		if f.Target != host {
			continue
		}
		switch f.Kind {
		case Partition:
			cut = true
		case Heal:
			cut = false
		}
	}
	return cut
}

// Summary is a one-line account of a run for test logs.
func Summary(res *scenarios.Result) string {
	m := res.Messages
	return fmt.Sprintf("%s send_ok=%d send_failed=%d consumed=%d lost_acked=%d duplicates=%d",
		res.Outcome, m.SendOK, m.SendFailed, m.ConsumedUnique, m.LostAcked, m.Duplicates)
}
