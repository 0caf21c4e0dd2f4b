package broker

import (
	"sort"

	"rmqsim/model"
	"rmqsim/sim"
)

// CommitLogPath is the commit log on the broker host's disk: a sim Log of
// *model.MessageExt records in physical-offset order. Records are never
// changed once appended, so pulls and HA transfers share them.
const CommitLogPath = "store/commitlog"

// storeMaxMessageSize is MessageStoreConfig.maxMessageSize, 4 MiB: a
// larger record is MESSAGE_SIZE_EXCEEDED, answered as MESSAGE_ILLEGAL.
const storeMaxMessageSize = 4 << 20

// queueKey names a ConsumeQueue.
type queueKey struct {
	topic   string
	queueID int
}

// putStatus is DefaultMessageStore's PutMessageStatus (the part modelled).
type putStatus int

const (
	putOK putStatus = iota
	putServiceNotAvailable
	putMessageIllegal
	putFlushSlaveTimeout
	putSlaveNotAvailable
)

func (st putStatus) String() string {
	return [...]string{"PUT_OK", "SERVICE_NOT_AVAILABLE", "MESSAGE_ILLEGAL", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE"}[st]
}

// MessageStore is DefaultMessageStore: the CommitLog (records on the host
// disk, sized by calMsgLength) and a ConsumeQueue per topic and queue
// (rebuilt from the commit log at boot; the real ones are files repaired
// from the commit log in the same way). Dispatch to the ConsumeQueue is
// immediate (ReputMessageService runs every 1 ms).
type MessageStore struct {
	b         *Broker
	log       *sim.Log
	maxOffset int64 // next physical write position (CommitLog.getMaxOffset)
	// queues holds the ConsumeQueues by topic, then by queue id: a put
	// and a pull each find theirs with one lookup of a short string in a
	// small map, not by hashing a (topic, id) struct two or three times.
	// Queue ids are small and dense (a put's id is checked against the
	// topic's queue count, a delay level's is level-1); a queue exists
	// once its first record is dispatched, so it is never empty.
	queues   map[string]*topicQueues
	flush    flushService
	shutdown bool
	// StoreStatsService counters, in memory (§7: the dashboard's counts).
	putMessageTimesTotal         int64
	getMessageTransferedMsgCount int64
	// firstSlab backs the first message of pull results, one cell each
	// (see firstMsg), so a pull finding messages does not allocate a
	// one-element slice of its own.
	firstSlab []*model.MessageExt
}

// firstMsgSlab is how many pull results share one firstSlab array.
const firstMsgSlab = 64

// firstMsg returns a slice holding m alone, of capacity 1, cut from
// firstSlab: a second append copies it out, so no two results share a
// cell, and a cell is written once, before its result is sent (results
// are shared with consumers, read only). It replaces append(nil, m).
func (s *MessageStore) firstMsg(m *model.MessageExt) []*model.MessageExt {
	if len(s.firstSlab) == 0 {
		s.firstSlab = make([]*model.MessageExt, firstMsgSlab)
	}
	b := s.firstSlab[:1:1]
	s.firstSlab = s.firstSlab[1:]
	b[0] = m
	return b
}

func newMessageStore(b *Broker) *MessageStore {
	s := &MessageStore{b: b, log: b.p.Host().Disk().Log(CommitLogPath), queues: map[string]*topicQueues{}}
	s.flush.init(s)
	return s
}

// recover rebuilds the ConsumeQueues and the write position from the
// commit log that survived (all of it after a kill; the synced prefix
// after a power-off), and records the acknowledged messages a power-off
// took (§2.4, §5.9).
func (s *MessageStore) recover() {
	s.flush.recordLosses()
	for i := 0; i < s.log.Len(); i++ {
		m := s.log.At(i).(*model.MessageExt)
		s.dispatch(m)
		s.maxOffset = m.CommitLogOffset + int64(m.StoreSize)
	}
	// The page cache the old process wrote reaches the disk through the OS.
	s.log.Sync()
	s.flush.flushed = s.maxOffset
}

// checkStoreStatus is DefaultMessageStore.checkStoreStatus: a slave's or a
// shut-down store rejects writes (§2.4).
func (s *MessageStore) checkStoreStatus() putStatus {
	if s.shutdown || s.b.role == RoleSlave {
		return putServiceNotAvailable
	}
	return putOK
}

// putMessage is CommitLog.asyncPutMessage up to the append: it sizes the
// record, skips to the next file when it does not fit, assigns the queue
// and physical offsets and the offsetMsgId, appends and dispatches.
func (s *MessageStore) putMessage(m *model.MessageExt, propertiesLength int) putStatus {
	if st := s.checkStoreStatus(); st != putOK {
		return st
	}
	size := calMsgLength(len(m.Body), len(m.Topic), propertiesLength)
	if len(m.Topic) > 127 || propertiesLength > 32767 || size > storeMaxMessageSize {
		return putMessageIllegal
	}
	fileSize := s.b.cfg.MappedFileSizeCommitLog
	if room := fileSize - s.maxOffset%fileSize; int64(size+endFileMinBlankLength) > room {
		s.maxOffset += room // END_OF_FILE: the rest of the file is a blank
	}
	m.QueueOffset = int64(len(s.queue(m.Topic, m.QueueID)))
	m.CommitLogOffset = s.maxOffset
	m.StoreSize = size
	m.StoreHost = s.b.storeHost
	m.OffsetMsgID = string(appendHex(append(make([]byte, 0, 32), s.b.msgIDPrefix...), uint64(m.CommitLogOffset), 8))
	m.StoreTimestamp = s.b.p.Now()
	m.BrokerName = s.b.group.BrokerName
	s.appendAndDispatch(m)
	return putOK
}

// appendReplica is the slave's HAService.appendToCommitLog plus dispatch:
// the master's record, byte-identical, at the master's offset.
func (s *MessageStore) appendReplica(m *model.MessageExt) {
	s.appendAndDispatch(m)
}

func (s *MessageStore) appendAndDispatch(m *model.MessageExt) {
	s.log.Append(m)
	s.maxOffset = m.CommitLogOffset + int64(m.StoreSize)
	s.putMessageTimesTotal++
	s.dispatch(m)
	s.flush.onAppend()
}

// topicQueues is one topic's ConsumeQueues, indexed by queue id (nil: no
// record dispatched to that queue yet).
type topicQueues struct{ byID [][]*model.MessageExt }

// dispatch is CommitLogDispatcherBuildConsumeQueue. A record whose queue
// offset is already built is skipped ("build consume queue repeatedly");
// one past the end is appended anyway ("logic queue order maybe wrong").
func (s *MessageStore) dispatch(m *model.MessageExt) {
	tq := s.queues[m.Topic]
	if tq == nil {
		tq = &topicQueues{}
		s.queues[m.Topic] = tq
	}
	if m.QueueID >= len(tq.byID) {
		tq.byID = append(tq.byID, make([][]*model.MessageExt, m.QueueID+1-len(tq.byID))...)
	}
	q := tq.byID[m.QueueID]
	if m.QueueOffset < int64(len(q)) {
		return
	}
	tq.byID[m.QueueID] = append(q, m)
}

// queue returns a ConsumeQueue (nil if it does not exist).
func (s *MessageStore) queue(topic string, queueID int) []*model.MessageExt {
	tq := s.queues[topic]
	if tq == nil || queueID < 0 || queueID >= len(tq.byID) {
		return nil
	}
	return tq.byID[queueID]
}

// maxOffsetInQueue is getMaxOffsetInQueue: the next queue offset.
func (s *MessageStore) maxOffsetInQueue(topic string, queueID int) int64 {
	return int64(len(s.queue(topic, queueID)))
}

// minOffsetInQueue is getMinOffsetInQueue: 0, as no file is ever deleted
// in a simulated run (fileReservedTime is 72 h).
func (s *MessageStore) minOffsetInQueue(string, int) int64 { return 0 }

// inDisk is checkInDiskByCommitOffset: a record further than
// accessMessageInMemoryMaxRatio % of RAM behind the commit-log tail is
// no longer "in memory" (§2.5).
func (s *MessageStore) inDisk(phyOffset int64) bool {
	memory := s.b.cfg.PhysicalMemory * int64(s.b.cfg.AccessMessageInMemoryMaxRatio) / 100
	return s.maxOffset-phyOffset > memory
}

// checkInDiskByConsumeOffset is DefaultMessageStore.checkInDiskByConsumeOffset:
// false when the queue or the entry does not exist (§2.5).
func (s *MessageStore) checkInDiskByConsumeOffset(topic string, queueID int, offset int64) bool {
	q := s.queue(topic, queueID)
	if offset < 0 || offset >= int64(len(q)) {
		return false
	}
	return s.inDisk(q[offset].CommitLogOffset)
}

// lookMessageByOffset finds the record at a commit-log offset (nil if none).
func (s *MessageStore) lookMessageByOffset(phyOffset int64) *model.MessageExt {
	n := s.log.Len()
	i := sort.Search(n, func(i int) bool { return s.log.At(i).(*model.MessageExt).CommitLogOffset >= phyOffset })
	if i < n {
		if m := s.log.At(i).(*model.MessageExt); m.CommitLogOffset == phyOffset {
			return m
		}
	}
	return nil
}

// recordsFrom returns the log index of the first record at or after a
// commit-log offset.
func (s *MessageStore) recordsFrom(phyOffset int64) int {
	return sort.Search(s.log.Len(), func(i int) bool {
		return s.log.At(i).(*model.MessageExt).CommitLogOffset >= phyOffset
	})
}

// offsetInQueueByTime is ConsumeQueue.getOffsetInQueueByTime: a binary
// search by store time that answers the exact hit, else the nearer of
// the two neighbours (0 for an empty queue).
func (s *MessageStore) offsetInQueueByTime(topic string, queueID int, ts sim.Time) int64 {
	q := s.queue(topic, queueID)
	low, high := 0, len(q)-1
	left, right := -1, -1
	var leftTime, rightTime sim.Time = -1, -1
	for high >= low {
		mid := (low + high) / 2
		st := q[mid].StoreTimestamp
		switch {
		case st == ts:
			return int64(mid)
		case st > ts:
			high, right, rightTime = mid-1, mid, st
		default:
			low, left, leftTime = mid+1, mid, st
		}
	}
	switch {
	case len(q) == 0:
		return 0
	case leftTime == -1:
		return int64(right)
	case rightTime == -1:
		return int64(left)
	case ts-leftTime > rightTime-ts:
		return int64(right)
	default:
		return int64(left)
	}
}

// getStatus is GetMessageStatus.
type getStatus int

const (
	getFound getStatus = iota
	getNoMatchedMessage
	getNoMessageInQueue
	getOffsetTooSmall
	getOffsetOverflowOne
	getOffsetOverflowBadly
	getNoMatchedLogicQueue
)

type getResult struct {
	status          getStatus
	msgs            []*model.MessageExt
	nextBeginOffset int64
	minOffset       int64
	maxOffset       int64
	suggestSlave    bool
}

// getMessage is DefaultMessageStore.getMessage (§2.6): up to maxMsgNums
// records from offset that match the subscription's tags, within the
// in-memory / on-disk batch limits, with the status the pull processor
// maps to a response code.
func (s *MessageStore) getMessage(topic string, queueID int, offset int64, maxMsgNums int, sub *model.SubscriptionData) getResult {
	r := getResult{nextBeginOffset: offset}
	q := s.queue(topic, queueID)
	if len(q) == 0 { // a queue exists once it has a record
		r.status = getNoMatchedLogicQueue
		r.nextBeginOffset = s.nextOffsetCorrection(offset, 0)
		return r
	}
	r.minOffset, r.maxOffset = 0, int64(len(q))
	switch {
	case r.maxOffset == 0:
		r.status = getNoMessageInQueue
		r.nextBeginOffset = s.nextOffsetCorrection(offset, 0)
	case offset < r.minOffset:
		r.status = getOffsetTooSmall
		r.nextBeginOffset = s.nextOffsetCorrection(offset, r.minOffset)
	case offset == r.maxOffset:
		r.status = getOffsetOverflowOne
		r.nextBeginOffset = s.nextOffsetCorrection(offset, offset)
	case offset > r.maxOffset:
		r.status = getOffsetOverflowBadly
		r.nextBeginOffset = s.nextOffsetCorrection(offset, r.minOffset)
	default:
		s.scanQueue(q, offset, maxMsgNums, sub, &r)
	}
	return r
}

// scanQueue reads entries from offset (at most 16000 bytes of
// ConsumeQueue, 800 entries) until the batch is full.
func (s *MessageStore) scanQueue(q []*model.MessageExt, offset int64, maxMsgNums int, sub *model.SubscriptionData, r *getResult) {
	const cqUnit = 20
	maxScan := max(16000, maxMsgNums*cqUnit) / cqUnit
	r.status = getNoMatchedMessage
	bytes, i := 0, 0
	var lastPhy int64
	for ; offset+int64(i) < int64(len(q)) && i < maxScan; i++ {
		m := q[offset+int64(i)]
		lastPhy = m.CommitLogOffset
		if s.batchFull(m.StoreSize, maxMsgNums, bytes, len(r.msgs), s.inDisk(m.CommitLogOffset)) {
			break
		}
		if !tagsMatch(sub, m.Tags) {
			continue
		}
		if r.msgs == nil {
			r.msgs = s.firstMsg(m)
		} else {
			r.msgs = append(r.msgs, m)
		}
		bytes += m.StoreSize
		r.status = getFound
		s.getMessageTransferedMsgCount++
	}
	r.nextBeginOffset = offset + int64(i)
	r.suggestSlave = s.inDisk(lastPhy)
}

// batchFull is DefaultMessageStore.isTheBatchFull.
func (s *MessageStore) batchFull(size, maxMsgNums, total, count int, inDisk bool) bool {
	if total == 0 || count == 0 {
		return false
	}
	if count >= maxMsgNums {
		return true
	}
	c := s.b.cfg
	if inDisk {
		return total+size > c.MaxTransferBytesOnMessageInDisk || count > c.MaxTransferCountOnMessageInDisk-1
	}
	return total+size > c.MaxTransferBytesOnMessageInMemory || count > c.MaxTransferCountOnMessageInMemory-1
}

// nextOffsetCorrection keeps the requested offset on a slave
// (offsetCheckInSlave = false).
func (s *MessageStore) nextOffsetCorrection(old, corrected int64) int64 {
	if s.b.role == RoleSlave {
		return old
	}
	return corrected
}

// tagsMatch is ExpressionMessageFilter.isMatchedByConsumeQueue for TAG
// expressions: everything under "*" (or no subscription), else the tag
// set (compared by string, not hash code).
func tagsMatch(sub *model.SubscriptionData, tags string) bool {
	if sub == nil || sub.SubString == "" || sub.SubString == "*" {
		return true
	}
	for _, t := range sub.Tags {
		if t == tags {
			return true
		}
	}
	return false
}
