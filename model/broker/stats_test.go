package broker

import (
	"testing"
	"time"

	"rmqsim/model"
)

// TestStatsItem_WindowsSampledOnTheBrokersPhase follows 4.8.0
// StatsItemSet.init / StatsItem.samplingIn* / computeStatsData and
// StatsAllSubCommand.compute24HourSum: TOPIC_PUT_NUMS is sampled every
// 10 s from the broker's construction (not the wall clock); the minute
// window's sum is the growth over its ≤ 7 snapshots, with a synthetic
// zero before the item's first sample; the hour window gets a snapshot
// every 10 minutes, so in a broker's first hour compute24HourSum is the
// last minute's count until the first 10-minute sample after the item
// exists, and the count as of that sample after it.
func TestStatsItem_WindowsSampledOnTheBrokersPhase(t *testing.T) {
	c := newCluster(t, nil)
	c.start()
	k := c.client()
	m := addrOf("master01")
	view := func() *model.BrokerStatsData {
		r := k.call(m, model.ViewBrokerStatsData, &model.ViewBrokerStatsDataRequest{StatsName: model.StatsTopicPutNums, StatsKey: testTopic}, 3*s)
		c.run(10 * ms)
		resp := wantCode(t, r, model.Success, "VIEW_BROKER_STATS_DATA")
		return resp.Body.(*model.BrokerStatsData)
	}
	// No put yet: the item does not exist.
	c.runTo(14 * s)
	r := k.call(m, model.ViewBrokerStatsData, &model.ViewBrokerStatsDataRequest{StatsName: model.StatsTopicPutNums, StatsKey: testTopic}, 3*s)
	c.run(10 * ms)
	if resp := wantCode(t, r, model.SystemError, "unknown item"); resp.Remark != "The stats <TOPIC_PUT_NUMS> <topic_test_123> not exist" {
		t.Errorf("remark %q", resp.Remark)
	}
	// The broker process started at 0: samples at 0, 10, 20 s …
	c.runTo(15 * s)
	for i := 0; i < 5; i++ {
		k.sendTo(m, testTopic, i%16, i)
	}
	c.runTo(19 * s)
	if d := view(); d.Minute.Sum != 0 || d.Compute24HourSum() != 0 {
		t.Errorf("before the first sample after the puts: %+v, want 0", d)
	}
	c.runTo(21 * s)
	if d := view(); d.Minute.Sum != 5 || d.Hour.Sum != 0 || d.Compute24HourSum() != 5 {
		t.Errorf("after the 20 s sample: %+v, want minute 5, hour 0", d)
	}
	// 70 s later the five puts have left the minute window: "today" is 0.
	c.runTo(91 * s)
	if d := view(); d.Minute.Sum != 0 || d.Compute24HourSum() != 0 {
		t.Errorf("at 91 s: %+v, want the minute window empty", d)
	}
	// The 10-minute sample at 600 s puts them in the hour window.
	c.runTo(601 * s)
	if d := view(); d.Hour.Sum != 5 || d.Compute24HourSum() != 5 {
		t.Errorf("after the 600 s sample: %+v, want hour 5", d)
	}
	// BrokerStats' morning values stay 0 (no midnight in the run).
	rt := k.call(m, model.GetBrokerRuntimeInfo, nil, 3*s)
	c.run(10 * ms)
	info := wantCode(t, rt, model.Success, "runtime info").Body.(*model.BrokerRuntimeInfo)
	if info.MsgPutTotalTodayMorning != 0 || info.MsgPutTotalTodayNow != 5 {
		t.Errorf("runtime info %+v, want put now 5, morning 0", info)
	}
}

// TestBrokerStats_MorningRecordedAtMidnight follows 4.8.0
// BrokerController.initialize (BrokerStats.record at the next midnight,
// then daily) and BrokerStats.record: after the first midnight
// TODAY_PRO_COUNT (now − morning) restarts from 0.
func TestBrokerStats_MorningRecordedAtMidnight(t *testing.T) {
	c := newCluster(t, nil)
	c.start()
	k := c.client()
	m := addrOf("master01")
	c.runTo(5 * s)
	for i := 0; i < 3; i++ {
		k.sendTo(m, testTopic, i, i)
	}
	midnight := 24*time.Hour - model.WallClockAtZero%(24*time.Hour)
	c.runTo(midnight + s)
	rt := k.call(m, model.GetBrokerRuntimeInfo, nil, 3*s)
	c.run(10 * ms)
	info := wantCode(t, rt, model.Success, "runtime info").Body.(*model.BrokerRuntimeInfo)
	if info.MsgPutTotalTodayMorning != 3 || info.MsgPutTotalTodayNow-info.MsgPutTotalTodayMorning != 0 {
		t.Errorf("after midnight: %+v, want morning 3, today 0", info)
	}
}
