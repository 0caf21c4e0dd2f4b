package client

import "testing"

// TestFacts is the client's own conformance suite against fake servers
// (helper_test.go): one subtest per behaviour the real broker model cannot
// show on its own (an answer code it never sends) or that is clearer with
// canned routes. The cluster package drives the same behaviours through
// the real nameservers and brokers (docs/conformance.md).
func TestFacts(t *testing.T) {
	for _, c := range []struct {
		name string
		fn   func(*testing.T)
	}{
		{"3.2_cache_kept_on_topic_not_exist", testFacts3_2CacheKeptOnTopicNotExist},
		{"3.2_partial_route_replaces_whole", testFacts3_2PartialRouteReplacesWhole},
		{"4.1_start_makes_no_nameserver_call", testFacts4_1StartMakesNoNameServerCall},
		{"4.2_cached_route_sends_with_all_ns_down", testFacts4_2CachedRouteSendsWithAllNameServersDown},
		{"4.2_powered_off_broker_burns_whole_timeout", testFacts4_2PoweredOffBrokerBurnsWholeTimeout},
		{"4.2_killed_broker_retried_on_another", testFacts4_2KilledBrokerRetriedOnAnother},
		{"4.2_tbw102_fallback", testFacts4_2TBW102Fallback},
		{"4.2_no_route_info", testFacts4_2NoRouteInfo},
		{"4.2_system_busy_thrown_at_once", testFacts4_2SystemBusyThrownAtOnce},
		{"4.3_pinned_start_index", testFacts4_3PinnedStartIndex},
		{"4.4_async_error_reply_not_retried", testFacts4_4AsyncErrorReplyNotRetried},
		{"5.1_start_throws_but_keeps_running", testFacts5_1StartThrowsButKeepsRunning},
		{"5.3_two_consumers_split_queues", testFacts5_3TwoConsumersSplitQueues},
		{"5.3_null_cidall_changes_nothing_missing_id_drops_all", testFacts5_3CidAll},
		{"5.6_reconsume_later_sends_back", testFacts5_6ReconsumeLaterSendsBack},
		{"5.6_send_back_fallbacks", testFacts5_6SendBackFallbacks},
		{"5.4_any_broker_error_code_is_no_offset", testFacts5_4AnyBrokerErrorIsNoOffset},
		{"8_go_consumer_shuts_down_without_route", testFacts8GoConsumerShutsDownWithoutRoute},
		{"8_go_empty_cidall_drops_all_java_throws", testFacts8GoEmptyCidAllDropsAll},
		{"8_go_offset_only_22_is_no_offset", testFacts8GoOffsetOnly22},
	} {
		t.Run(c.name, c.fn)
	}
}
