package scenarios

import "testing"

// TestJudgesAndExplanationsAgreeOnCounts: package check counts messages
// from the history for the verdicts, and package explain derives the same
// counters from each message's fate, independently. On real runs of every
// variant, over seeds where the E3 producer fails (1) and where it sends
// everything (2), they must agree: one checks the other.
func TestJudgesAndExplanationsAgreeOnCounts(t *testing.T) {
	s := loadField(t)
	for _, seed := range []uint64{1, 2} {
		for _, v := range []string{"baseline", "consumer-restarted", "network-first-clients-after-outage", "e4-producer-early"} {
			agree(t, v, runField(t, s, RunOptions{Variant: v, Seed: seed}))
		}
	}
	// The shrunk counterexamples lose acknowledged messages.
	for _, f := range []string{"found/async-flush-power-off.yaml", "found/master-down-nameserver-restart.yaml"} {
		sc, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Run(sc, RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Messages.LostAcked == 0 {
			t.Errorf("%s: no acknowledged message lost; the cross-check would not cover losses", f)
		}
		agree(t, f, res)
	}
}

func agree(t *testing.T, name string, res *Result) {
	t.Helper()
	c, e := res.Judgement.Counts, res.Explanation.Totals()
	got := [8]int{e.Intended, e.SendOK, e.SendFailed, e.NeverSent, e.Stored, e.ConsumedUnique, e.Duplicates, e.LostAcked}
	want := [8]int{c.Intended, c.SendOK, c.SendFailed, c.NeverSent, c.Stored, c.ConsumedUnique, c.Duplicates, c.LostAcked}
	if got != want {
		t.Errorf("%s seed %d: explain %v, check %v (intended, send_ok, send_failed, never_sent, stored, consumed_unique, duplicates, lost_acked)",
			name, res.Seed, got, want)
	}
}
