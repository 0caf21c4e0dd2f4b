package cluster

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/model/client"
)

// test56ConsumeTimeout: a listener that holds a message for 40 min: the
// cleanExpireMsg task (every 15 min) sends it back at its first run more
// than 15 min after consumption began (30 min 10 s), and it is removed
// from the cache, so the committed offset moves on; it returns through
// %RETRY% 10 s later (delay level 3) and is consumed again while the
// first listener is still running — a duplicate (§5.6, §5.8).
func test56ConsumeTimeout(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{loadSpan(3)}}, spanCluster)
	r.at(2*time.Second, func() { r.c.StartProgram("load") })
	r.rawConsumer("c", spanTopic, 10*time.Second, func(m *model.MessageExt, done func(string)) {
		if m.QueueOffset == 0 && m.ReconsumeTimes == 0 {
			r.w.At(r.w.Now().Add(40*time.Minute), func() { done(client.ConsumeSuccess) })
			return
		}
		done(client.ConsumeSuccess)
	})
	r.runTo(45 * time.Minute)
	var d []history.Record
	for _, rec := range r.recs(history.Deliver, "c") {
		if rec.Key == "NameServer Test0" {
			d = append(d, rec)
		}
	}
	var expired *history.Record
	for _, rec := range r.recs(history.ConsumeResult, "c") {
		if rec.Key == "NameServer Test0" && rec.Status == client.ReconsumeLater {
			rec := rec
			expired = &rec
			break
		}
	}
	cleanAt := 10*time.Second + 30*time.Minute // the task's second run
	if expired == nil || !near(expired.At, cleanAt, 100*time.Millisecond) {
		t.Fatalf("expiry %+v, want a send-back at the 30 min 10 s run", expired)
	}
	if len(d) != 2 || d[1].Attempt != 1 || d[1].Detail != "%RETRY%"+FieldGroup || !near(d[1].At-expired.At, 10*time.Second, time.Second) {
		t.Fatalf("deliveries of message 0: %v; want a second one from %%RETRY%% 10 s after the expiry", d)
	}
	var committed int64 = -1
	for _, rec := range between(r.recs(history.OffsetCommit, "c"), cleanAt, 40*time.Minute) {
		if rec.Topic == spanTopic {
			committed = max(committed, rec.Offset)
		}
	}
	expect(t, committed == 3, "committed %d on %s before the first listener returned, want 3 (the expired message removed)", committed, spanTopic)
}

// test56CleanTaskDies: the 4.8 cleaner reads the first cached message's
// consume start with Long.parseLong; when that message has not reached a
// consume thread yet (its queue waits behind another queue's messages on
// the 20 busy threads) the parse throws, the scheduled task is suppressed,
// and messages held for 50 min are never sent back
// (ProcessQueue.cleanExpiredMsg, docs/rocketmq-notes.md; §5.6).
func test56CleanTaskDies(t *testing.T) {
	r := newRun(t, Programs{Producers: []model.ProducerProgramSpec{loadSpan(40)}}, func(c *model.Config, cs *model.ClusterSpec) {
		spanCluster(c, cs)
		cs.Topics[len(cs.Topics)-1].Queues = 2
	})
	var trace bytes.Buffer
	r.w.SetTraceWriter(&trace)
	r.at(2*time.Second, func() { r.c.StartProgram("load") })
	r.rawConsumer("c", spanTopic, 10*time.Second, func(m *model.MessageExt, done func(string)) {
		r.w.At(r.w.Now().Add(50*time.Minute), func() { done(client.ConsumeSuccess) })
	})
	r.runTo(55 * time.Minute)
	var sentBack int
	for _, rec := range r.recs(history.ConsumeResult, "c") {
		if strings.HasPrefix(rec.Detail, "consume timeout") {
			sentBack++
		}
	}
	expect(t, sentBack == 0 && strings.Contains(trace.String(), "NumberFormatException"),
		"%d expired messages sent back; want none: the cleaner died at its first run", sentBack)
}
