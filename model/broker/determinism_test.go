package broker

import (
	"testing"
	"time"

	"rmqsim/history"

	"rmqsim/model"
)

// TestSameSeedSameTrace runs one workload (sends, replication, long
// polls, a send-back, a broker power cycle) twice and compares trace
// hashes: no map order or other nondeterminism may leak into a run.
func TestSameSeedSameTrace(t *testing.T) {
	run := func() (uint64, int64) {
		c := newCluster(t, nil)
		c.start()
		c.runTo(12 * s)
		k := c.client()
		k.p.Every(0, 30*s, "", func() {
			k.heartbeat(addrOf("master01"), testGroup, testTopic)
			k.heartbeat(addrOf("master02"), testGroup, testTopic)
		})
		for i := 0; i < 40; i++ {
			host := []string{"master01", "master02"}[i%2]
			c.at(13*s+int64ms(i*50), func() { k.sendTo(addrOf(host), testTopic, i%16, i) })
		}
		c.at(14*s, func() { k.pull(addrOf("master01"), testGroup, testTopic, 3, 0, model.PullFlagSuspend) })
		c.at(20*s, func() { c.w.Host("master02").PowerOff() })
		c.at(30*s, func() { c.w.Host("master02").PowerOn(s) })
		c.runTo(90 * s)
		if len(c.records(history.Lost)) != 20 || len(c.records(history.Stored)) < 60 {
			t.Fatalf("workload: %d Lost (want master02's 20 unflushed), %d Stored",
				len(c.records(history.Lost)), len(c.records(history.Stored)))
		}
		return c.w.TraceHash(), c.w.Events()
	}
	h1, e1 := run()
	h2, e2 := run()
	if h1 != h2 || e1 != e2 {
		t.Fatalf("same seed, different runs: hash %x/%x events %d/%d", h1, h2, e1, e2)
	}
}

func int64ms(n int) time.Duration { return time.Duration(n) * ms }
