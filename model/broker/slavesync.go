package broker

import (
	"rmqsim/model"
)

// SlaveSynchronize is BR/slave/SlaveSynchronize (§2.4): on the broker's
// scheduled thread, 3 s after start then every 10 s, a slave that knows
// its master's addr copies, one call after the other (3 s each), the
// master's topics, consumer offsets (master values overwrite), delay
// offsets and subscription groups. The addr comes from the first
// registration reply; a reply without one sets it to null.
type SlaveSynchronize struct {
	b          *Broker
	masterAddr string
}

func (s *SlaveSynchronize) setMasterAddr(addr string) {
	if s.masterAddr != addr {
		s.b.trace("SlaveSynchronize master " + orNull(addr))
	}
	s.masterAddr = addr
}

// MasterAddr is the addr the slave synchronises from ("" = null).
func (s *SlaveSynchronize) MasterAddr() string { return s.masterAddr }

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

// syncAll runs the four copies in order; each failure is only logged.
func (s *SlaveSynchronize) syncAll(done func()) {
	master := s.masterAddr
	if master == "" || master == s.b.addr || s.b.down {
		done()
		return
	}
	b := s.b
	steps := []struct {
		code  model.RequestCode
		apply func(body any)
	}{
		{model.GetAllTopicConfig, func(body any) { b.topics.replaceAll(body.(*model.TopicConfigSerializeWrapper)) }},
		{model.GetAllConsumerOffset, func(body any) {
			b.offsets.putAll(body.(*model.ConsumerOffsetSerializeWrapper).OffsetTable)
			b.offsets.persist()
		}},
		{model.GetAllDelayOffset, func(body any) {
			b.p.Host().Disk().Blob(DelayOffsetPath).Write(b.p.Now(), copyDelayOffsets(body.(*model.DelayOffsetSerializeWrapper).OffsetTable))
		}},
		{model.GetAllSubscriptionGroupConfig, func(body any) { b.groups.replaceAll(body.(*model.SubscriptionGroupWrapper)) }},
	}
	var step func(i int)
	step = func(i int) {
		if i == len(steps) {
			done()
			return
		}
		b.outer.InvokeSync(master, &model.Request{Code: steps[i].code}, b.cfg.SlaveSyncTimeout, func(resp *model.Response, err error) {
			if err == nil && resp.Code == model.Success && resp.Body != nil && !b.down {
				steps[i].apply(resp.Body)
			}
			step(i + 1)
		})
	}
	step(0)
}

func copyDelayOffsets(t map[int]int64) map[int]int64 {
	cp := make(map[int]int64, len(t))
	for k, v := range t {
		cp[k] = v
	}
	return cp
}
