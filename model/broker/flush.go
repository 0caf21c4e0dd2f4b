package broker

import (
	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// osPageSize is MappedFile.OS_PAGE_SIZE, the unit of flushCommitLogLeastPages.
const osPageSize = 4096

// unflushedLedgerPath is not a RocketMQ file: it is the simulator's note,
// written when a broker process dies, of the commit-log records still
// only in the page cache, with whether each was acknowledged. Recovery
// reads it to record history.Lost for the records a power-off took.
const unflushedLedgerPath = "sim/unflushed-at-exit"

type ledgerEntry struct {
	index   int
	msg     *model.MessageExt
	acked   bool
	replica bool
}

// flushService is CommitLog's FlushRealTimeService (ASYNC_FLUSH) or
// GroupCommitService (SYNC_FLUSH) (§5.9, MessageStoreConfig).
//
// ASYNC_FLUSH: every put wakes the flush thread, which flushes when at
// least flushCommitLogLeastPages (4) pages are dirty; every
// flushCommitLogThoroughInterval (10 s) it flushes whatever is dirty. The
// thorough flushes fall on phase + k·10 s; one timer, armed only while
// data is dirty, stands for the 500 ms loop (a lone message waits for
// the next thorough flush either way).
//
// SYNC_FLUSH: the group commit flushes every put at once (the simulated
// disk has no latency, so FLUSH_DISK_TIMEOUT does not arise).
type flushService struct {
	s       *MessageStore
	flushed int64
	phase   sim.Time
	timer   *sim.Timer
	// unacked holds the commit-log offsets stored but not yet answered
	// (a SYNC_MASTER put waiting for its slave).
	unacked map[int64]bool
}

func (f *flushService) init(s *MessageStore) {
	f.s = s
	f.unacked = map[int64]bool{}
}

// start fixes the phase of the thorough flushes (the flush thread's start).
func (f *flushService) start(now sim.Time) { f.phase = now }

func (f *flushService) syncFlush() bool { return f.s.b.cfg.FlushDiskType == "SYNC_FLUSH" }

// onAppend is the wakeup a put gives the flush service.
func (f *flushService) onAppend() {
	s := f.s
	if f.syncFlush() {
		f.flushAll()
		return
	}
	dirtyPages := s.maxOffset/osPageSize - f.flushed/osPageSize
	if dirtyPages >= int64(s.b.cfg.FlushCommitLogLeastPages) {
		f.flushAll()
		return
	}
	if f.timer == nil && f.flushed < s.maxOffset {
		p := s.b.p
		thorough := s.b.cfg.FlushCommitLogThoroughInterval
		elapsed := p.Now().Sub(f.phase)
		next := f.phase.Add((elapsed + thorough - 1) / thorough * thorough)
		f.timer = p.After(next.Sub(p.Now()), "", func() {
			f.timer = nil
			f.flushAll()
		})
	}
}

// flushAll makes everything written durable (MappedFileQueue.flush).
func (f *flushService) flushAll() {
	if f.flushed == f.s.maxOffset {
		return
	}
	f.s.log.Sync()
	f.flushed = f.s.maxOffset
	if f.timer != nil {
		f.timer.Stop()
		f.timer = nil
	}
}

// onExit writes the ledger of what is still only in the page cache. It
// runs on every death; only a power-off then truncates the log.
func (f *flushService) onExit() {
	s := f.s
	var entries []ledgerEntry
	for i := s.log.Synced(); i < s.log.Len(); i++ {
		m := s.log.At(i).(*model.MessageExt)
		entries = append(entries, ledgerEntry{index: i, msg: m, acked: !f.unacked[m.CommitLogOffset],
			replica: s.b.role == RoleSlave})
	}
	blob := s.b.p.Host().Disk().Blob(unflushedLedgerPath)
	blob.Write(s.b.p.Now(), entries)
	blob.Sync()
}

// recordLosses records history.Lost for each record of the ledger that
// the commit log no longer holds: the power-off truncated it (§5.9).
func (f *flushService) recordLosses() {
	s := f.s
	blob := s.b.p.Host().Disk().Blob(unflushedLedgerPath)
	entries, _ := blob.Read().([]ledgerEntry)
	for _, e := range entries {
		if e.index < s.log.Len() {
			continue
		}
		detail := "power-off before flush"
		if e.replica {
			detail = "replica " + detail
		}
		if e.acked {
			detail += " (acknowledged)"
		} else {
			detail += " (not acknowledged)"
		}
		s.b.record(history.Lost, e.msg, detail)
	}
	blob.Write(s.b.p.Now(), nil)
	blob.Sync()
}
