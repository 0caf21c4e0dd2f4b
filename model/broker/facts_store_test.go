package broker

import (
	"testing"

	"rmqsim/history"
	"rmqsim/model"
)

// sendN sends n messages to master01 queue 0 now and runs 1 s.
func sendN(t *testing.T, c *tcluster, k *tclient, n int) []*model.SendMessageResponse {
	t.Helper()
	var rs []*result
	for i := 0; i < n; i++ {
		rs = append(rs, k.sendTo(addrOf("master01"), testTopic, 0, k.sent))
	}
	c.run(s)
	var out []*model.SendMessageResponse
	for _, r := range rs {
		out = append(out, wantCode(t, r, model.Success, "send").Body.(*model.SendMessageResponse))
	}
	return out
}

func testAsyncFlushPowerOff(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	sent := sendN(t, c, k, 3) // thorough flushes at 1 s + 10 s·k: 11 s, 21 s
	host := c.w.Host("master01")
	host.PowerOff()
	c.runTo(15 * s)
	host.PowerOn(s)
	c.runTo(20 * s)
	lost := c.records(history.Lost)
	if len(lost) != 3 {
		t.Fatalf("Lost records %v, want the 3 acknowledged, unflushed messages", lost)
	}
	for i, r := range lost {
		if r.OffsetMsgID != sent[i].MsgID || r.Detail != "power-off before flush (acknowledged)" || r.At != 16*s {
			t.Fatalf("Lost record %v", r)
		}
	}
	if c.brokers["master01"].store.maxOffset != 0 {
		t.Fatal("commit log not truncated")
	}
}

func testAsyncFlushFourPages(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	log := c.brokers["master01"].store.log
	var written int64
	for i := 1; ; i++ { // 5 ms apart: all before the 21 s thorough flush
		r := k.sendTo(addrOf("master01"), testTopic, 0, i)
		c.run(5 * ms)
		written += int64(wantCode(t, r, model.Success, "send").Body.(*model.SendMessageResponse).StoreSize)
		if written/osPageSize < 4 {
			if log.Synced() != 0 {
				t.Fatalf("flushed %d records with %d bytes written (< 4 pages)", log.Synced(), written)
			}
			continue
		}
		if log.Synced() != i {
			t.Fatalf("flushed %d of %d records at 4 dirty pages", log.Synced(), i)
		}
		return
	}
}

func testAsyncFlushThorough(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	sendN(t, c, k, 1)
	log := c.brokers["master01"].store.log
	c.runTo(20900 * ms)
	if log.Synced() != 0 {
		t.Fatal("flushed before the thorough flush")
	}
	c.runTo(21100 * ms)
	if log.Synced() != 1 {
		t.Fatal("not flushed by the thorough flush at 21 s")
	}
}

func testKillLosesNothing(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	sent := sendN(t, c, k, 3)
	host := c.w.Host("master01")
	host.Kill("broker")
	host.Start("broker")
	c.run(2 * s)
	for _, r := range sent {
		if !c.replicated("master01", r.CommitLogOffset) {
			t.Fatalf("message at %d lost by a kill", r.CommitLogOffset)
		}
	}
	if lost := c.records(history.Lost); len(lost) != 0 {
		t.Fatalf("Lost after a kill: %v", lost)
	}
}

func testSyncFlushPowerOff(t *testing.T) {
	c := newCluster(t, func(cfg *model.Config) { cfg.Broker.FlushDiskType = "SYNC_FLUSH" })
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	sent := sendN(t, c, k, 3)
	host := c.w.Host("master01")
	host.PowerOff()
	host.PowerOn(s)
	c.run(3 * s)
	for _, r := range sent {
		if !c.replicated("master01", r.CommitLogOffset) {
			t.Fatalf("SYNC_FLUSH message at %d lost by a power-off", r.CommitLogOffset)
		}
	}
	if lost := c.records(history.Lost); len(lost) != 0 {
		t.Fatalf("Lost with SYNC_FLUSH: %v", lost)
	}
}

// TestStoreSizeAndOffsetMsgID checks the stored size and offsetMsgId of
// the field experiment's first message against values computed by hand
// from the 4.8.0 encoding (CommitLog.calMsgLength,
// MessageDecoder.messageProperties2String, MessageDecoder.createMessageId):
//
//	body "NameServer Test0" (16 bytes), topic "topic_test_123" (14 bytes);
//	properties TAGS=TagA (4+1+4+1 = 10), WAIT=true (10),
//	UNIQ_KEY=<32 hex> (8+1+32+1 = 42), CLUSTER=MyRocketmq (7+1+10+1 = 19)
//	= 81 bytes;
//	size = 84 fixed + (4+16) body + (1+14) topic + (2+81) properties = 202.
//	offsetMsgId of 172.16.7.93:10911 at offset 0: AC 10 07 5D | 00002A9F |
//	0000000000000000; the second message is at offset 202 = 0xCA.
func TestStoreSizeAndOffsetMsgID(t *testing.T) {
	c := newCluster(t, nil)
	c.start("nameserver01", "master01")
	c.runTo(12 * s)
	k := c.client()
	sent := sendN(t, c, k, 2)
	want := []struct {
		offset int64
		id     string
	}{{0, "AC10075D00002A9F0000000000000000"}, {202, "AC10075D00002A9F00000000000000CA"}}
	for i, w := range want {
		if sent[i].StoreSize != 202 || sent[i].CommitLogOffset != w.offset || sent[i].MsgID != w.id {
			t.Fatalf("message %d: size %d offset %d id %s, want 202 %d %s",
				i, sent[i].StoreSize, sent[i].CommitLogOffset, sent[i].MsgID, w.offset, w.id)
		}
		host, off, ok := DecodeMessageID(sent[i].MsgID)
		if !ok || host != "172.16.7.93:10911" || off != w.offset {
			t.Fatalf("decode %s = %s %d %v", sent[i].MsgID, host, off, ok)
		}
	}
}
