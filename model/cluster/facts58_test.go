package cluster

import (
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
	"rmqsim/sim"
)

// §5.8 duplicates and §5.9 losses that no other conformance test shows.

// slowLink makes one direction of a link take d.
func (r *tr) slowLink(from, to string, d time.Duration) {
	r.w.Net().SetLink(from, to, sim.Link{Latency: sim.Latency{Min: d, Max: d}})
}

// test58TimeoutStoredRetried: broker-a's replies to the client take
// 3.5 s for a moment: a sync send stored there times out ("sendDefaultImpl
// call timeout", no budget left for an internal retry); the program
// retries it, and the message is stored and consumed twice (§5.8).
func test58TimeoutStoredRetried(t *testing.T) {
	spec := FieldProducer("p", 0, 10)
	spec.Interval, spec.OnError, spec.RetryBackoff, spec.MaxRetries = time.Second, "retry", time.Second, 3
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}, Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}},
		func(c *model.Config, cs *model.ClusterSpec) { firstOffset(c, cs); c.Producer.SendWhichQueue = 8 })
	r.startConsumerAt("c", 5*time.Second)
	r.at(5*time.Second, func() { r.c.StartProgram("p") }) // sends 0…7 to broker-a 8…15, one a second
	r.at(9500*time.Millisecond, func() { r.slowLink("master01", FieldClient, 3500*time.Millisecond) })
	r.at(12*time.Second, func() { r.w.Net().ResetLink("master01", FieldClient) })
	r.runTo(60 * time.Second)
	var failed, retried *history.Record
	for _, rec := range r.recs(history.SendReturn, "p") {
		rec := rec
		switch {
		case failed == nil && rec.Err != "":
			failed = &rec
		case failed != nil && rec.Key == failed.Key:
			retried = &rec
		}
	}
	if failed == nil || failed.Err != tooMuchPrefix+"sendDefaultImpl call timeout" || retried == nil || retried.Status != client.StatusSendOK {
		t.Fatalf("failure %v, retry %v; want a call timeout, then the program's retry SEND_OK", failed, retried)
	}
	stored := 0
	for _, rec := range r.recs(history.Stored, "broker") {
		if rec.Key == failed.Key && rec.Detail == "" {
			stored++
		}
	}
	expect(t, stored == 2 && r.delivered("c")[failed.Key] == 2, "%s stored %d times, delivered %d; want 2 and 2", failed.Key, stored, r.delivered("c")[failed.Key])
}

// test58ConsumerCrash: c1 is killed while consuming slowly; c2 takes its
// queues from the offsets c1 committed, which lag behind what c1
// consumed (the lowest offset in flight, committed oneway every 5 s or on
// the next pull): those messages are consumed again (§5.8).
func test58ConsumerCrash(t *testing.T) {
	c1, c2 := FieldConsumer("c1"), FieldConsumer("c2")
	c1.ConsumeTime, c2.ConsumeTime = 2*time.Second, 2*time.Second
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{preload(300)}, Consumers: []model.ConsumerProgramSpec{c1, c2}}, firstOffset)
	r.at(2*time.Second, func() { r.c.StartProgram("pre") })
	r.startConsumerAt("c1", 20*time.Second)
	r.startConsumerAt("c2", 20*time.Second)
	var owned map[client.MessageQueue]bool
	r.at(33*time.Second, func() { owned = r.owned("c1"); r.c.Kill(FieldClient, "c1") })
	r.runTo(3 * time.Minute)
	dups := r.duplicates("c1", "c2")
	if len(dups) == 0 {
		t.Fatalf("no message consumed twice after c1's crash")
	}
	last := map[client.MessageQueue]int64{}
	for _, rec := range r.recs(history.OffsetCommit, "c1") {
		q := client.MessageQueue{Topic: rec.Topic, BrokerName: rec.Broker, QueueID: rec.QueueID}
		last[q] = max(last[q], rec.Offset)
	}
	for _, rec := range r.recs(history.Deliver, "c1") {
		if r.delivered("c2")[rec.Key] == 0 {
			continue
		}
		q := client.MessageQueue{Topic: rec.Topic, BrokerName: rec.Broker, QueueID: rec.QueueID}
		expect(t, owned[q] && rec.QueueOffset >= last[q], "%s (%v@%d) consumed by both, c1 had committed %d; want only offsets past c1's last commit",
			rec.Key, q, rec.QueueOffset, last[q])
	}
	expect(t, len(r.delivered("c1"))+len(r.delivered("c2"))-len(dups) == 300, "distinct consumed %d, want 300", len(r.delivered("c1"))+len(r.delivered("c2"))-len(dups))
}

// test58BrokerCrash: master01 persists consumer offsets every 5 s (11 s +
// 5 k s). c1 shuts down cleanly at 43 s (its offsets reach the broker's
// memory); master01 is killed at 43.5 s and restarted, reloading the
// offsets persisted at 41 s; c2 then starts from those and consumes again
// what c1 consumed on broker-a after 41 s (§5.8, §2.5).
func test58BrokerCrash(t *testing.T) {
	spec := FieldProducer("p", 0, 110)
	spec.Interval = 200 * time.Millisecond
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}, Consumers: []model.ConsumerProgramSpec{FieldConsumer("c2")}}, firstOffset)
	r.at(20*time.Second, func() { r.c.StartProgram("p") })
	var c1 *client.PushConsumer
	r.service("c1", 5*time.Second, func(p *sim.Process) {
		c1 = client.NewPushConsumer(client.NewInstance(p, r.env), FieldGroup,
			func(m *model.MessageExt, done func(string)) { done(client.ConsumeSuccess) })
		c1.Subscribe(FieldTopic, "*")
		c1.Start(func(*client.Exception) {})
	})
	r.at(43*time.Second, func() { c1.Shutdown(func() {}) })
	r.at(43500*time.Millisecond, func() { r.c.Kill("master01", ServiceBroker); r.w.Host("master01").Start(ServiceBroker) })
	r.startConsumerAt("c2", 50*time.Second)
	r.runTo(2 * time.Minute)
	dups := r.duplicates("c1", "c2")
	if len(dups) == 0 {
		t.Fatalf("no message consumed again after the broker crash")
	}
	firstC1 := map[string]history.Record{}
	for _, rec := range r.recs(history.Deliver, "c1") {
		if _, ok := firstC1[rec.Key]; !ok {
			firstC1[rec.Key] = rec
		}
	}
	for _, k := range dups {
		rec := firstC1[k]
		expect(t, rec.Broker == "broker-a" && rec.At > 41*time.Second && rec.At < 43*time.Second,
			"%s consumed again; c1 had it at %v on %s; want broker-a messages consumed after the 41 s persist", k, rec.At, rec.Broker)
	}
}

// test58DroppedQueueDiscarded: c1 consumes slowly; c2 joins and c1 drops
// half its queues: the results of c1's listeners still running on them
// are discarded (the offset is not updated) and c2 consumes those
// messages again (§5.8, §5.6).
func test58DroppedQueueDiscarded(t *testing.T) {
	// c1 on client02 sorts after c2 (172.16.7.1@…): it keeps broker-b and
	// drops broker-a, whose messages it is consuming when c2 joins.
	// 5 s a message: c1 is still on its first broker-a batches when c2
	// joins at 30 s, whatever the network's latency draws (with 3 s, a
	// few extra packets earlier, such as the producer's second unregister
	// round, moved c1 onto broker-b by then).
	c1 := on("client02", FieldConsumer("c1"))
	c1.ConsumeTime = 5 * time.Second
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{preload(200)}, Consumers: []model.ConsumerProgramSpec{c1, FieldConsumer("c2")}},
		func(c *model.Config, cs *model.ClusterSpec) { firstOffset(c, cs); secondClient(c, cs) })
	r.at(2*time.Second, func() { r.c.StartProgram("pre") })
	r.startConsumerAt("c1", 20*time.Second)
	r.startConsumerAt("c2", 30*time.Second)
	r.runTo(3 * time.Minute)
	discarded := 0
	for _, rec := range r.recs(history.ConsumeResult, "c1") {
		if rec.Detail == "discarded: process queue dropped" {
			discarded++
			expect(t, r.delivered("c2")[rec.Key] == 1, "%s discarded by c1, delivered %d times to c2; want once", rec.Key, r.delivered("c2")[rec.Key])
		}
	}
	expect(t, discarded > 0, "no result discarded when c1 dropped its queues")
	expect(t, len(r.duplicates("c1", "c2")) >= discarded, "%d duplicates, %d discarded", len(r.duplicates("c1", "c2")), discarded)
}

// test58SlaveOffsetsOverwritten: while master02 is dead c1 reads broker-b
// from slave02 and commits there; when master02 returns, its offsets are
// the old ones (and overwrite the slave's at the next sync); c2, joining
// before c1 learns the master again, reads them and consumes again what
// c1 consumed from the slave (§5.8, §2.4).
func test58SlaveOffsetsOverwritten(t *testing.T) {
	spec := FieldProducer("p", 0, 80)
	spec.Interval, spec.OnError = time.Second, "continue"
	// c1 starts after master02's death, so broker-b's backlog is read from
	// slave02; c2 (client02, sorting second) gets broker-b's queues.
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec},
		Consumers: []model.ConsumerProgramSpec{FieldConsumer("c1"), on("client02", FieldConsumer("c2"))}},
		func(c *model.Config, cs *model.ClusterSpec) { firstOffset(c, cs); secondClient(c, cs) })
	r.at(6*time.Second, func() { r.c.StartProgram("p") })
	r.at(30*time.Second, func() { r.c.Kill("master02", ServiceBroker) })
	r.startConsumerAt("c1", 40*time.Second)
	r.at(60*time.Second, func() { r.w.Host("master02").Start(ServiceBroker) })
	r.startConsumerAt("c2", 62*time.Second)
	r.runTo(150 * time.Second)
	fromSlave := map[string]bool{}
	for _, rec := range r.recs(history.Pull, "c1") {
		if hostOf(rec.BrokerAddr) == "slave02" {
			for _, m := range rec.Msgs {
				fromSlave[m.Key] = true
			}
		}
	}
	var slaveCommits int
	for _, rec := range between(r.recs(history.OffsetCommit, "c1"), 40*time.Second, 60*time.Second) {
		if hostOf(rec.BrokerAddr) == "slave02" {
			slaveCommits++
		}
	}
	dups := r.duplicates("c1", "c2")
	again := 0
	for _, k := range dups {
		if fromSlave[k] {
			again++
		}
	}
	expect(t, slaveCommits > 0 && len(fromSlave) > 0 && again > 0,
		"c1 committed %d times to slave02 and read %d messages from it; %d of them consumed again by c2 (of %d duplicates); want all > 0",
		slaveCommits, len(fromSlave), again, len(dups))
}

// test59IgnoredSendException: master01 loses power; sends that pick it
// burn the whole 3 s and throw; the program ignores the exception and the
// message, never stored, is lost (§5.9, §4.2).
func test59IgnoredSendException(t *testing.T) {
	spec := FieldProducer("p", 0, 60)
	spec.Interval, spec.OnError = time.Second, "continue"
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{spec}, Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, firstOffset)
	r.startConsumerAt("c", 5*time.Second)
	r.at(6*time.Second, func() { r.c.StartProgram("p") })
	r.at(20*time.Second, func() { r.c.PowerOff("master01") })
	r.runTo(3 * time.Minute)
	stored := map[string]bool{}
	for _, rec := range r.recs(history.Stored, "") {
		stored[rec.Key] = true
	}
	failed := 0
	for _, rec := range r.recs(history.SendReturn, "p") {
		if rec.Err == "" {
			continue
		}
		failed++
		expect(t, !stored[rec.Key] && r.delivered("c")[rec.Key] == 0, "%s failed (%s) but was stored %v / delivered", rec.Key, rec.Err, stored[rec.Key])
	}
	expect(t, failed > 0 && r.sendOK("p")+failed == 60 && len(r.delivered("c")) == r.sendOK("p"),
		"%d failed, %d SEND_OK, %d consumed; want failures lost, every SEND_OK consumed", failed, r.sendOK("p"), len(r.delivered("c")))
}

// test59PowerOffBeforeFlushAndReplication: with ASYNC_FLUSH and
// ASYNC_MASTER, master01 is cut off from its slave and loses power 300 ms
// after acknowledging five sends: they were neither flushed nor
// replicated, the recovery records them Lost, and a consumer started
// afterwards never sees them (§5.9).
func test59PowerOffBeforeFlushAndReplication(t *testing.T) {
	r := newRun(t, Programs{Consumers: []model.ConsumerProgramSpec{FieldConsumer("c")}}, func(c *model.Config, cs *model.ClusterSpec) {
		firstOffset(c, cs)
		c.Producer.SendWhichQueue = 0 // broker-a queues 0…4
	})
	s := r.producer("p", 5*time.Second, client.Sync)
	r.at(20*time.Second, func() { r.c.Partition([]string{"master01"}, []string{"slave01"}) })
	for i := 0; i < 5; i++ {
		r.sendAt(s, 21*time.Second+time.Duration(i)*10*time.Millisecond, i)
	}
	r.at(21300*time.Millisecond, func() { r.c.PowerOff("master01") })
	r.at(30*time.Second, func() { r.c.Heal(); r.c.PowerOn("master01") })
	r.startConsumerAt("c", 90*time.Second)
	r.runTo(4 * time.Minute)
	lost := map[string]bool{}
	for _, rec := range r.recs(history.Lost, "") {
		lost[rec.Key] = true
	}
	for i := 0; i < 5; i++ {
		res := s.res[i]
		if res.r == nil || res.r.Status != client.StatusSendOK || res.r.Queue.BrokerName != "broker-a" {
			t.Fatalf("send %d: %v %v, want SEND_OK on broker-a", i, res.r, res.ex)
		}
		k := "NameServer Test" + itoa(i)
		expect(t, lost[k] && r.delivered("c")[k] == 0, "%s: lost %v, delivered %d; want Lost at recovery and never consumed", k, lost[k], r.delivered("c")[k])
	}
}

// test59DLQ: a message whose listener always returns RECONSUME_LATER comes
// back 16 times (delay levels 3…18: 10 s … 2 h), then goes to
// %DLQ%<group> and is never consumed again (§5.9, §2.9).
func test59DLQ(t *testing.T) {
	// One queue (plus %RETRY%) keeps the 5.5 h run cheap.
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{loadSpan(1)}}, spanCluster)
	r.rawConsumer("c", spanTopic, 5*time.Second, func(_ *model.MessageExt, done func(string)) { done(client.ReconsumeLater) })
	r.at(30*time.Second, func() { r.c.StartProgram("load") })
	r.runTo(5*time.Hour + 30*time.Minute)
	del := r.recs(history.Deliver, "c")
	if len(del) != 17 {
		t.Fatalf("%d deliveries, want 17 (1 + 16 retries)", len(del))
	}
	levels := []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute,
		5 * time.Minute, 6 * time.Minute, 7 * time.Minute, 8 * time.Minute, 9 * time.Minute, 10 * time.Minute,
		20 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour}
	for i := 1; i < len(del); i++ {
		gap := del[i].At - del[i-1].At
		expect(t, del[i].Attempt == i && gap >= levels[i-1] && gap <= levels[i-1]+2*time.Second,
			"delivery %d: reconsumeTimes %d after %v, want %d after %v", i, del[i].Attempt, gap, i, levels[i-1])
	}
	var dlq bool
	for _, rec := range r.recs(history.Stored, "") {
		dlq = dlq || (rec.Topic == "%DLQ%"+FieldGroup && rec.Key == "NameServer Test0")
	}
	expect(t, dlq, "message 0 never stored in %%DLQ%%%s", FieldGroup)
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
