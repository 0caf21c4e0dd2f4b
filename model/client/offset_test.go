package client

import (
	"testing"
	"time"

	"rmqsim/history"
	"rmqsim/model"
)

// offsetAnswer runs a FIRST consumer against brokers that answer every
// QUERY_CONSUMER_OFFSET with SYSTEM_ERROR; it returns the OffsetRead
// records and the messages delivered.
func offsetAnswer(t *testing.T, profile string) ([]history.Record, int) {
	hs := newHarness(t, func(c *model.Config) {
		c.Client.Profile = profile
		c.Consumer.ConsumeFromWhere = "CONSUME_FROM_FIRST_OFFSET"
	})
	for _, b := range hs.brokers {
		b.queryOffsetCode = model.SystemError
	}
	sendN(hs, 10)
	hs.startConsumer("c", 5*time.Second, successListener(nil))
	hs.run(60 * time.Second)
	return hs.records(history.OffsetRead), len(delivered(hs))
}

// testFacts5_4AnyBrokerErrorIsNoOffset: Java treats any broker error code
// of QUERY_CONSUMER_OFFSET, not only 22, as "no offset": the
// consumeFromWhere table decides (FIRST: 0) and everything is consumed
// (§5.4).
func testFacts5_4AnyBrokerErrorIsNoOffset(t *testing.T) {
	reads, n := offsetAnswer(t, ProfileJava)
	for _, rec := range reads {
		if rec.Topic == topic && (rec.Status != "SYSTEM_ERROR" || rec.Detail != "first" || rec.Offset != 0) {
			t.Errorf("offset read %s/%d: %s → %s %d, want SYSTEM_ERROR → first 0", rec.Broker, rec.QueueID, rec.Status, rec.Detail, rec.Offset)
		}
	}
	if n != 10 {
		t.Errorf("delivered %d of 10", n)
	}
}

// testFacts8GoOffsetOnly22: the Go client treats only 22 as "no offset";
// any other error skips the queue, which waits for the next rebalance
// (consumer/offset_store.go, §8): nothing is consumed.
func testFacts8GoOffsetOnly22(t *testing.T) {
	reads, n := offsetAnswer(t, ProfileGo)
	var skipped int
	for _, rec := range reads {
		if rec.Topic == topic && rec.Status == "SYSTEM_ERROR" && rec.Detail == "skip" {
			skipped++
		}
	}
	if skipped < 32 || n != 0 {
		t.Errorf("%d reads skipped, %d delivered; want every queue skipped (at each rebalance), nothing consumed", skipped, n)
	}
}
