package broker

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestFacts checks the broker against rocketmq-4.8-facts.md §2 (and the
// store side of §5.9), one subtest per behaviour bullet, named after its
// §, driving real brokers and nameservers through the kernel.
func TestFacts(t *testing.T) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"2.1_registers_at_start_then_every_30s_first_at_10s", testRegisterSchedule},
		{"2.1_period_clamped_to_10s_60s", testRegisterPeriodClamp},
		{"2.1_full_topic_table_every_registration", testRegisterFullTable},
		{"2.1_all_ns_in_parallel_round_waits_for_slowest", testRegisterParallel},
		{"2.1_registration_times_out_after_6s", testRegisterTimeout},
		{"2.1_topic_creation_registers_oneway", testRegisterOnewayOnCreate},
		{"2.1_slave_learns_master_from_first_reply", testSlaveLearnsMaster},
		{"2.1_no_reply_changes_nothing", testNoReplyNoChange},
		{"2.2_graceful_shutdown_unregisters_sequentially_then_persists_offsets", testGracefulShutdown},
		{"2.2_kill_sends_no_unregister", testKillNoUnregister},
		{"2.3_tbw102_inherit_8_queues", testTBW102},
		{"2.3_unknown_topic_created_with_min_queues_persisted", testAutoCreateTopic},
		{"2.3_creation_impossible_gives_17", testAutoCreateDisabled},
		{"2.4_slave_rejects_writes", testSlaveRejectsWrites},
		{"2.4_slave_reports_every_5s_and_reconnects_every_5s", testHAReportReconnect},
		{"2.4_slave_restarted_while_ns_down_does_not_replicate", testSlaveNoNSNoHA},
		{"2.4_ha_master_address_override_replicates_without_ns", testHAMasterAddressOverride},
		{"2.4_async_master_ack_does_not_wait_for_slave", testAsyncMasterNoWait},
		{"2.4_sync_master_waits_for_slave", testSyncMaster},
		{"2.4_slave_synchronize_3s_then_10s_master_offsets_win", testSlaveSynchronize},
		{"2.4_slave_serves_pulls_as_success", testSlaveServesPulls},
		{"2.4_slave_never_stores_pull_offsets", testSlaveIgnoresPullOffsets},
		{"2.5_offsets_persisted_every_5s_kill_loses_recent", testOffsetPersistPeriod},
		{"2.5_query_returns_stored_offset", testQueryStored},
		{"2.5_query_zero_when_queue_empty_or_in_memory", testQueryZero},
		{"2.5_query_not_found_when_not_in_memory", testQueryNotFound},
		{"2.6_long_poll_woken_by_new_message", testLongPollWake},
		{"2.6_long_poll_answered_at_recheck_after_hold", testLongPollExpire},
		{"2.6_short_poll_1s_without_long_polling", testShortPoll},
		{"2.6_slave_hold_not_woken_by_replica", testSlaveHoldNotWoken},
		{"2.7_scan_removes_silent_client_without_notify", testScanNoNotify},
		{"2.7_channel_close_notifies_group", testCloseNotifies},
		{"2.7_idle_channel_closed_after_120s_notifies", testIdleNotifies},
		{"2.8_heartbeat_creates_group_and_retry_topic", testHeartbeatCreates},
		{"2.8_new_channel_or_subscription_change_notifies", testHeartbeatNotifies},
		{"2.8_consumer_list_is_this_brokers_members", testConsumerListPerBroker},
		{"2.8_membership_lost_on_restart", testMembershipLost},
		{"2.8_pull_of_unknown_group_is_subscription_not_exist", testPullUnknownGroup},
		{"2.9_send_back_via_schedule_topic_to_retry_after_10s", testSendBackRetry},
		{"2.9_delay_level_is_3_plus_reconsume_times", testSendBackLevels},
		{"2.9_dlq_after_16_reconsumes_write_only", testSendBackDLQ},
		{"5.9_async_flush_power_off_loses_unflushed_records_lost", testAsyncFlushPowerOff},
		{"5.9_async_flush_at_4_pages", testAsyncFlushFourPages},
		{"5.9_async_flush_thorough_every_10s", testAsyncFlushThorough},
		{"5.9_kill_loses_nothing", testKillLosesNothing},
		{"5.9_sync_flush_power_off_loses_nothing", testSyncFlushPowerOff},
	} {
		t.Run(tc.name, tc.fn)
	}
}

// parseTraceTime turns a trace time "hh:mm:ss.uuuuuu" into a duration.
func parseTraceTime(t testing.TB, v string) time.Duration {
	t.Helper()
	parts := strings.Split(v, ":")
	if len(parts) != 3 {
		t.Fatalf("bad trace time %q", v)
	}
	h, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	sec, err := strconv.ParseFloat(parts[2], 64)
	if err != nil {
		t.Fatalf("bad trace time %q", v)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec*1e6)*time.Microsecond
}

func (c *tcluster) traceDurations(parts ...string) []time.Duration {
	var out []time.Duration
	for _, v := range c.traceTimes(parts...) {
		out = append(out, parseTraceTime(c.t, v))
	}
	return out
}

// near reports whether got is within tol of want.
func near(got, want, tol time.Duration) bool { return got >= want-tol && got <= want+tol }
