package broker

import (
	"testing"

	"rmqsim/model"
)

// BenchmarkBrokerStore measures one message stored on a master (with its
// slave replicating) and pulled back: kernel events and heap bytes per
// message, end to end through the remoting layer.
func BenchmarkBrokerStore(b *testing.B) {
	c := newCluster(b, nil)
	c.w.SetTraceWriter(nil)
	c.start("nameserver01", "master01", "slave01")
	c.runTo(30 * s)
	k := c.client()
	k.p.Every(0, 30*s, "", func() { k.heartbeat(addrOf("master01"), testGroup, testTopic) })
	c.run(s)
	step := func(r *result) {
		for !r.done {
			if !c.w.Step() {
				b.Fatal("world ended")
			}
		}
	}
	n := 0
	start := c.w.Events()
	b.ReportAllocs()
	for b.Loop() {
		send := k.sendTo(addrOf("master01"), testTopic, 0, n)
		step(send)
		if send.err != nil || send.resp.Code != model.Success {
			b.Fatalf("send %d: %v %v", n, send.err, send.resp)
		}
		pull := k.pull(addrOf("master01"), testGroup, testTopic, 0, int64(n), 0)
		step(pull)
		if pull.err != nil || pull.resp.Code != model.Success {
			b.Fatalf("pull %d: %v %v", n, pull.err, pull.resp)
		}
		n++
	}
	b.ReportMetric(float64(c.w.Events()-start)/float64(n), "events/msg")
}
