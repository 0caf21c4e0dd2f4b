package broker

import (
	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// HAService is the master's side of replication (ST/ha/HAService,
// HAConnection; §2.4). Each slave connection starts transferring once the
// slave has reported its offset, from that offset (or the start of the
// last commit-log file for an empty slave). New data is pushed in
// batches: an ASYNC_MASTER's writer wakes every 100 ms, a SYNC_MASTER's
// put wakes it at once; a connection idle for 5 s gets an empty transfer
// (heartbeat); one silent for 20 s is closed.
type HAService struct {
	b                   *Broker
	conns               map[*sim.End]*haConnection
	push2SlaveMaxOffset int64
	waits               []transferWait
	waitTimer           *sim.Timer
}

type haConnection struct {
	s                     *HAService
	ch                    *sim.End
	slaveRequestOffset    int64
	slaveAckOffset        int64
	nextTransferFromWhere int64
	lastWrite             sim.Time
	pending               *sim.Timer
}

// transferWait is GroupTransferService's GroupCommitRequest.
type transferWait struct {
	nextOffset int64
	deadline   sim.Time
	done       func(putStatus)
}

func newHAService(b *Broker) *HAService {
	s := &HAService{b: b, conns: map[*sim.End]*haConnection{}}
	b.p.Listen(model.HAPort, s.accept)
	return s
}

func (s *HAService) accept(ch *sim.End) {
	if s.b.down {
		ch.Close()
		return
	}
	c := &haConnection{s: s, ch: ch, slaveRequestOffset: -1, nextTransferFromWhere: -1, lastWrite: s.b.p.Now()}
	s.conns[ch] = c
	ch.Handle(func(in *sim.Inbound) { c.onReport(in.Msg.(*model.Request).Body.(*model.HAReportBody)) },
		func(sim.CloseReason) { delete(s.conns, ch) })
	p, cfg := s.b.p, s.b.cfg
	beat := p.Every(cfg.HASendHeartbeatInterval, cfg.HASendHeartbeatInterval, "", func() {
		if ch.Active() && c.nextTransferFromWhere >= 0 && p.Now().Sub(c.lastWrite) >= cfg.HASendHeartbeatInterval {
			c.send(&haTransfer{body: model.HATransferBody{MasterPhyOffset: c.nextTransferFromWhere}})
		}
	})
	var housekeeping func()
	housekeeping = func() {
		if !ch.Active() {
			beat.Stop()
			return
		}
		if quiet := p.Now().Sub(ch.LastRead()); quiet > cfg.HAHousekeepingInterval {
			ch.Close()
			beat.Stop()
			return
		}
		p.After(cfg.HAHousekeepingInterval-p.Now().Sub(ch.LastRead())+1, "", housekeeping)
	}
	p.After(cfg.HAHousekeepingInterval+1, "", housekeeping)
}

// onReport is ReadSocketService: the slave's offset is both its request
// position (first report, which starts the writer) and its ack. Later
// reports do not wake the writer: it sends when a put wakes it.
func (c *haConnection) onReport(r *model.HAReportBody) {
	c.slaveAckOffset = r.MaxPhyOffset
	c.s.notifyTransferSome(r.MaxPhyOffset)
	if c.slaveRequestOffset < 0 {
		c.slaveRequestOffset = r.MaxPhyOffset
		c.transfer()
	}
}

// transfer is WriteSocketService's loop body: send everything from
// nextTransferFromWhere in batches of haTransferBatchSize bytes.
func (c *haConnection) transfer() {
	if c.pending != nil {
		c.pending.Stop()
		c.pending = nil
	}
	if !c.ch.Active() || c.slaveRequestOffset < 0 {
		return
	}
	st := c.s.b.store
	if c.nextTransferFromWhere < 0 {
		if c.slaveRequestOffset == 0 {
			fileSize := c.s.b.cfg.MappedFileSizeCommitLog
			c.nextTransferFromWhere = st.maxOffset - st.maxOffset%fileSize
		} else {
			c.nextTransferFromWhere = c.slaveRequestOffset
		}
	}
	i := st.recordsFrom(c.nextTransferFromWhere)
	for i < st.log.Len() {
		// The batch's length is counted first so that Msgs is allocated
		// once, not grown message by message (the same loop condition).
		n, size := 0, 0
		for j := i; j < st.log.Len() && (size == 0 || size < c.s.b.cfg.HATransferBatchSize); j++ {
			size += st.log.At(j).(*model.MessageExt).StoreSize
			n++
		}
		x := &haTransfer{body: model.HATransferBody{MasterPhyOffset: st.log.At(i).(*model.MessageExt).CommitLogOffset}}
		body := &x.body
		if n == 1 {
			body.Msgs = x.one[:0]
		} else {
			body.Msgs = make([]*model.MessageExt, 0, n)
		}
		size = 0
		for i < st.log.Len() && (size == 0 || size < c.s.b.cfg.HATransferBatchSize) {
			m := st.log.At(i).(*model.MessageExt)
			body.Msgs = append(body.Msgs, m)
			size += m.StoreSize
			c.nextTransferFromWhere = m.CommitLogOffset + int64(m.StoreSize)
			i++
		}
		c.send(x)
	}
}

// haTransfer is a transfer's request and body allocated together, with
// room for a one-message batch's Msgs; it is shared with the slave and
// never changed once sent.
type haTransfer struct {
	req  model.Request
	body model.HATransferBody
	one  [1]*model.MessageExt
}

func (c *haConnection) send(x *haTransfer) {
	c.lastWrite = c.s.b.p.Now()
	x.req = model.Request{Code: model.HATransfer, Body: &x.body}
	_ = c.ch.Send(&x.req)
}

// haReport is a report's request and body, allocated together.
type haReport struct {
	req  model.Request
	body model.HAReportBody
}

// onPut wakes the writers: a SYNC_MASTER's at once, an ASYNC_MASTER's
// within its 100 ms wait.
func (s *HAService) onPut() {
	if len(s.conns) == 1 { // the usual case: one slave, no order to keep
		for _, c := range s.conns {
			s.wake(c)
		}
		return
	}
	for _, ch := range sortedChannels(s.conns) {
		s.wake(s.conns[ch])
	}
}

func (s *HAService) wake(c *haConnection) {
	if s.b.role == RoleSyncMaster {
		c.transfer()
		return
	}
	if c.pending == nil && c.slaveRequestOffset >= 0 {
		c.pending = s.b.p.After(s.b.cfg.HATransferWaitInterval, "", c.transfer)
	}
}

// isSlaveOK is HAService.isSlaveOK: a slave is connected and not more
// than haSlaveFallbehindMax behind.
func (s *HAService) isSlaveOK(masterPutWhere int64) bool {
	return len(s.conns) > 0 && masterPutWhere-s.push2SlaveMaxOffset < s.b.cfg.HASlaveFallbehindMax
}

// waitTransfer is GroupTransferService: done(putOK) once a slave acks
// nextOffset, done(putFlushSlaveTimeout) after syncFlushTimeout.
func (s *HAService) waitTransfer(nextOffset int64, done func(putStatus)) {
	if s.push2SlaveMaxOffset >= nextOffset {
		done(putOK)
		return
	}
	s.waits = append(s.waits, transferWait{nextOffset: nextOffset, deadline: s.b.p.Now().Add(s.b.cfg.SyncFlushTimeout), done: done})
	s.armWaitTimer()
}

func (s *HAService) armWaitTimer() {
	if s.waitTimer != nil || len(s.waits) == 0 {
		return
	}
	p := s.b.p
	s.waitTimer = p.After(s.waits[0].deadline.Sub(p.Now()), "", func() {
		s.waitTimer = nil
		now := p.Now()
		n := 0
		for n < len(s.waits) && s.waits[n].deadline <= now {
			n++
		}
		expired := s.waits[:n:n]
		s.waits = append([]transferWait(nil), s.waits[n:]...)
		for _, w := range expired {
			w.done(putFlushSlaveTimeout)
		}
		s.armWaitTimer()
	})
}

// notifyTransferSome records a slave ack and completes the waits it covers.
func (s *HAService) notifyTransferSome(ack int64) {
	if ack > s.push2SlaveMaxOffset {
		s.push2SlaveMaxOffset = ack
	}
	keep := s.waits[:0]
	var ready []transferWait
	for _, w := range s.waits {
		if w.nextOffset <= s.push2SlaveMaxOffset {
			ready = append(ready, w)
		} else {
			keep = append(keep, w)
		}
	}
	s.waits = keep
	for _, w := range ready {
		w.done(putOK)
	}
}

func (s *HAService) shutdown() {
	for _, ch := range sortedChannels(s.conns) {
		ch.Close()
	}
}

// HAClient is the slave's side (§2.4): it connects to the master's HA
// address once known (from a nameserver's registration reply, or
// haMasterAddress), reports its commit-log max offset 5 s after
// connecting, then every 5 s and after each applied transfer, and
// retries a failed connect after 5 s.
type HAClient struct {
	b                     *Broker
	masterAddress         string
	ch                    *sim.End
	connecting            bool
	currentReportedOffset int64
	lastWrite             sim.Time
	retry                 *sim.Timer
	beat                  *sim.Timer
	stopped               bool
}

func newHAClient(b *Broker) *HAClient {
	c := &HAClient{b: b, masterAddress: b.cfg.HAMasterAddress}
	c.loop()
	return c
}

// MasterAddress is the HA master the slave uses ("" if none yet).
func (c *HAClient) MasterAddress() string { return c.masterAddress }

func (c *HAClient) updateMasterAddress(addr string) {
	if c.masterAddress != addr {
		c.b.trace("HAClient master " + addr)
		c.masterAddress = addr
	}
}

// loop is one turn of HAClient.run while unconnected: connect, or wait 5 s.
func (c *HAClient) loop() {
	if c.stopped || c.ch != nil || c.connecting {
		return
	}
	if c.masterAddress == "" {
		c.retry = c.b.p.After(c.b.cfg.HAReconnectInterval, "", c.loop)
		return
	}
	c.connecting = true
	c.b.p.Dial(c.masterAddress, c.b.cfg.HAConnectTimeout, func(ch *sim.End, err error) {
		c.connecting = false
		if err != nil || c.stopped {
			if ch != nil {
				ch.Close()
			}
			c.retry = c.b.p.After(c.b.cfg.HAReconnectInterval, "", c.loop)
			return
		}
		c.connected(ch)
	})
}

func (c *HAClient) connected(ch *sim.End) {
	c.ch = ch
	c.currentReportedOffset = c.b.store.maxOffset
	c.lastWrite = c.b.p.Now()
	ch.Handle(func(in *sim.Inbound) { c.onTransfer(in.Msg.(*model.Request).Body.(*model.HATransferBody)) },
		func(sim.CloseReason) { c.closeMaster(ch) })
	c.beat = c.b.p.Every(c.b.cfg.HASendHeartbeatInterval, c.b.cfg.HASendHeartbeatInterval, "", func() {
		if c.b.p.Now().Sub(c.lastWrite) >= c.b.cfg.HASendHeartbeatInterval {
			c.report(c.currentReportedOffset)
		}
	})
}

func (c *HAClient) report(offset int64) {
	c.lastWrite = c.b.p.Now()
	x := &haReport{body: model.HAReportBody{MaxPhyOffset: offset}}
	x.req = model.Request{Code: model.HAReport, Body: &x.body}
	if c.ch.Send(&x.req) != nil {
		c.closeMaster(c.ch)
	}
}

// onTransfer is dispatchReadRequest: data must continue the slave's log
// exactly, else the connection is closed; applied records are dispatched
// and recorded, then the new offset is reported.
func (c *HAClient) onTransfer(t *model.HATransferBody) {
	st := c.b.store
	if len(t.Msgs) == 0 {
		return
	}
	if st.maxOffset != 0 && st.maxOffset != t.MasterPhyOffset {
		c.b.trace("HAClient offset mismatch slave=" + itoa(st.maxOffset) + " master=" + itoa(t.MasterPhyOffset))
		c.ch.Close()
		return
	}
	for _, m := range t.Msgs {
		st.appendReplica(m)
		c.b.record(history.Stored, m, "replica")
	}
	if st.maxOffset > c.currentReportedOffset {
		c.currentReportedOffset = st.maxOffset
		c.report(c.currentReportedOffset)
	}
}

func (c *HAClient) closeMaster(ch *sim.End) {
	if c.ch != ch || ch == nil {
		return
	}
	c.ch = nil
	c.beat.Stop()
	ch.Close()
	c.loop() // HAClient.run reconnects at once
}

func (c *HAClient) shutdown() {
	c.stopped = true
	if c.retry != nil {
		c.retry.Stop()
	}
	if c.ch != nil {
		ch := c.ch
		c.ch = nil
		c.beat.Stop()
		ch.Close()
	}
}
