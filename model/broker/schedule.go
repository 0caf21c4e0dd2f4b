package broker

import (
	"strconv"
	"strings"
	"time"

	"rmqsim/model"
	"rmqsim/sim"
)

// DelayOffsetPath is delayOffset.json on the broker host: delay level →
// next SCHEDULE_TOPIC_XXXX queue offset to deliver.
const DelayOffsetPath = "store/config/delayOffset.json"

// ScheduleMessageService delivers SCHEDULE_TOPIC_XXXX messages to their
// real topic once their level's delay has passed (§2.9). It runs on
// masters only. Instead of RocketMQ's 100 ms polling per level, one timer
// per level waits for the level's next due message. Offsets are persisted
// every 10 s, so a restart may deliver some messages again.
type ScheduleMessageService struct {
	b       *Broker
	levels  []time.Duration
	offsets map[int]int64
	timers  map[int]*sim.Timer
	started bool
}

func newScheduleMessageService(b *Broker) *ScheduleMessageService {
	s := &ScheduleMessageService{b: b, levels: parseDelayLevels(b.cfg.MessageDelayLevel),
		offsets: map[int]int64{}, timers: map[int]*sim.Timer{}}
	saved, _ := b.p.Host().Disk().Blob(DelayOffsetPath).Read().(map[int]int64)
	for k, v := range saved {
		s.offsets[k] = v
	}
	return s
}

// parseDelayLevels parses messageDelayLevel ("1s 5s ... 1m ... 2h").
func parseDelayLevels(spec string) []time.Duration {
	var out []time.Duration
	for _, f := range strings.Fields(spec) {
		unit := map[byte]time.Duration{'s': time.Second, 'm': time.Minute, 'h': time.Hour, 'd': 24 * time.Hour}[f[len(f)-1]]
		n, err := strconv.Atoi(f[:len(f)-1])
		if unit == 0 || err != nil {
			panic("broker: bad messageDelayLevel entry " + f)
		}
		out = append(out, time.Duration(n)*unit)
	}
	return out
}

func (s *ScheduleMessageService) start() {
	s.started = true
	for level := 1; level <= len(s.levels); level++ {
		s.arm(level)
	}
	s.b.p.Every(s.b.cfg.FlushDelayOffsetInterval, s.b.cfg.FlushDelayOffsetInterval, "", s.persist)
}

func (s *ScheduleMessageService) onPut(queueID int) {
	if s.started {
		s.arm(queueID + 1)
	}
}

// arm sets the level's timer for its next undelivered message.
func (s *ScheduleMessageService) arm(level int) {
	if s.timers[level] != nil || s.b.down {
		return
	}
	q := s.b.store.queue(ScheduleTopic, level-1)
	off := s.offsets[level]
	if off >= int64(len(q)) {
		return
	}
	p := s.b.p
	due := q[off].StoreTimestamp.Add(s.levels[level-1])
	s.timers[level] = p.After(max(due.Sub(p.Now()), 0), "", func() {
		delete(s.timers, level)
		s.deliverDue(level)
		s.arm(level)
	})
}

// deliverDue is DeliverDelayedMessageTimerTask.executeOnTimeup: every due
// message of the level is put to its real topic and queue.
func (s *ScheduleMessageService) deliverDue(level int) {
	if s.b.down {
		return
	}
	q := s.b.store.queue(ScheduleTopic, level-1)
	now := s.b.p.Now()
	for off := s.offsets[level]; off < int64(len(q)); off++ {
		sm := q[off]
		if sm.StoreTimestamp.Add(s.levels[level-1]) > now {
			return
		}
		m := s.messageTimeup(sm)
		if st := s.b.store.putMessage(m, encodedPropertiesLength(&m.Message)); st != putOK {
			return // retried on the next arm
		}
		s.b.afterPut(m, "delivered from "+ScheduleTopic+" level "+strconv.Itoa(level))
		s.offsets[level] = off + 1
	}
}

// messageTimeup rebuilds the real message: DELAY cleared, topic and queue
// from REAL_TOPIC and REAL_QID (which stay in the properties).
func (s *ScheduleMessageService) messageTimeup(sm *model.MessageExt) *model.MessageExt {
	props := make(map[string]string, len(sm.Properties))
	for k, v := range sm.Properties {
		if k != PropertyDelayTimeLevel {
			props[k] = v
		}
	}
	qid, _ := strconv.Atoi(props[PropertyRealQueueID])
	m := &model.MessageExt{Message: sm.Message, QueueID: qid, BornTimestamp: sm.BornTimestamp}
	m.Properties = props
	m.Topic = props[PropertyRealTopic]
	return m
}

func (s *ScheduleMessageService) snapshot() map[int]int64 { return copyDelayOffsets(s.offsets) }

func (s *ScheduleMessageService) persist() {
	s.b.p.Host().Disk().Blob(DelayOffsetPath).Write(s.b.p.Now(), s.snapshot())
}
