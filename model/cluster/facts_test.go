package cluster

import "testing"

// TestFacts is the client-side conformance suite: one subtest per
// behaviour bullet of rocketmq-4.8-facts.md §3–§8, named after its
// section, each driving the real nameservers, brokers and clients through
// the kernel (docs/conformance.md lists them with their status).
func TestFacts(t *testing.T) {
	for _, c := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"3.1_scheduled_tasks_first_runs", test31FirstRuns},
		{"3.1_blocking_refresh_delays_heartbeat_and_persist", test31BlockingDelays},
		{"3.2_refresh_covers_subscriptions_retry_and_tbw102", test32Topics},
		{"3.2_cache_kept_on_topic_not_exist", test32CacheKept},
		{"3.2_transport_error_aborts_round", test32AbortRound},
		{"3.2_success_replaces_route_and_clean_offline_broker", test32ReplaceAndClean},
		{"3.2_cached_routes_never_expire", test32NeverExpire},
		{"3.3_publish_needs_master_subscribe_and_admin_use_slave", test33Views},
		{"3.4_sticky_nameserver_no_failback", test34Sticky},
		{"3.4_topic_not_exist_never_switches", test34NoSwitchOn17},
		{"3.4_connect_time_counts_against_timeout", test34ConnectCounts},
		{"3.5_powered_off_nameserver_times_out_every_round", test35PoweredOffNS},
		{"4.1_producer_start_succeeds_with_all_ns_down", test41StartNoNS},
		{"4.2_timeout_clock_starts_before_route_lookup", test42ClockBeforeLookup},
		{"4.2_tbw102_fallback", test42TBW102},
		{"4.2_no_route_info", test42NoRoute},
		{"4.2_refused_brokers_send_n_times_failed", test42SendNTimes},
		{"4.2_powered_off_broker_burns_whole_timeout", test42PoweredOffBroker},
		{"4.3_latency_fault_avoids_slow_broker", test43LatencyFault},
		{"4.4_async_timeout_leaves_no_budget_for_retry", test44Async},
		{"4.4_oneway_written_counts_as_sent", test44Oneway},
		{"5.1_start_throws_but_stays_running_and_recovers", test51Start},
		{"5.2_notify_wakes_rebalance_route_change_does_not", test52Rebalance},
		{"5.3_two_consumers_split_queues_averagely", test53Split},
		{"5.4_last_offset_on_small_queue_reads_from_0", test54LastIsFirst},
		{"5.5_long_polling_delivers_at_once", test55LongPolling},
		{"5.5_pull_exception_retried_after_1s", test55ExceptionDelay},
		{"5.6_reconsume_later_redelivered_after_10s", test56Reconsume},
		{"5.7_offsets_committed_every_5s_and_on_shutdown", test57Commit},
		{"6_running_producer_keeps_sending_with_all_ns_down", test6RunningProducer},
		{"6_running_consumer_keeps_consuming_with_all_ns_down", test6RunningConsumer},
		{"6_new_producer_during_outage_throws", test6NewProducer},
		{"6_new_consumer_during_outage_invisible", test6NewConsumer},
		{"6_ns_back_empty_answers_17_clients_keep_cache", test6NSBackEmpty},
		{"7_dashboard_counts_per_broker", test7Counts},
		{"7_dashboard_shows_nothing_with_all_ns_down", test7NoNS},
		{"8_go_push_consumer_shuts_down_without_route", test8GoConsumer},
		{"8_go_nameserver_round_robin_every_request", test8GoRoundRobin},
		{"8_go_producer_four_attempts_own_timeouts", test8GoProducer},
	} {
		t.Run(c.name, c.fn)
	}
}
