package model

import "strconv"

// Bodies of the console's own requests (rocketmq-console / dashboard
// 1.0.0 through MQAdminExt, 4.8.0 tools/admin/DefaultMQAdminExtImpl).

// Stats names of BrokerStatsManager (4.8.0 store/stats/BrokerStatsManager)
// that the console's collector asks for: TOPIC_PUT_NUMS keyed by topic,
// GROUP_GET_NUMS keyed by "topic@group" (buildStatsKey).
const (
	StatsTopicPutNums = "TOPIC_PUT_NUMS"
	StatsGroupGetNums = "GROUP_GET_NUMS"
)

// ViewBrokerStatsDataRequest is VIEW_BROKER_STATS_DATA
// (ViewBrokerStatsDataRequestHeader).
type ViewBrokerStatsDataRequest struct {
	StatsName, StatsKey string
}

// Describe implements Describer.
func (r *ViewBrokerStatsDataRequest) Describe(b []byte) []byte {
	return append(append(append(append(b, "stats="...), r.StatsName...), " key="...), r.StatsKey...)
}

// BrokerStatsItem is one window of a StatsItem (CM/protocol/body/BrokerStatsItem):
// Sum is the value's growth from the window's first snapshot to its last.
type BrokerStatsItem struct {
	Sum int64
	// TpsMilli is the window's TPS × 1000 (an integer, to keep bodies
	// exact; the console shows it with 5 decimals).
	TpsMilli int64
}

// BrokerStatsData is VIEW_BROKER_STATS_DATA's reply
// (AdminBrokerProcessor.ViewBrokerStatsData): the item's minute (10 s
// samples over ≈ 1 min), hour (10 min samples over 1 h) and day (hourly
// samples over 24 h) windows.
type BrokerStatsData struct {
	Minute, Hour, Day BrokerStatsItem
}

// Describe implements Describer.
func (d *BrokerStatsData) Describe(b []byte) []byte {
	s := len(b)
	b = appendInt(b, "minute", d.Minute.Sum)
	b = appendInt(b, "hour", d.Hour.Sum)
	b = appendInt(b, "day", d.Day.Sum)
	return trimLead(b, s)
}

// Compute24HourSum is StatsAllSubCommand.compute24HourSum (4.8.0
// tools/command/stats): the day window's sum if not 0, else the hour's,
// else the minute's. In a broker's first hour the day window is empty, so
// "today" is the count as of the last 10-minute sample, or before the
// first one the count of the last minute.
func (d *BrokerStatsData) Compute24HourSum() int64 {
	switch {
	case d.Day.Sum != 0:
		return d.Day.Sum
	case d.Hour.Sum != 0:
		return d.Hour.Sum
	}
	return d.Minute.Sum
}

// QueryTopicConsumeByWhoRequest is QUERY_TOPIC_CONSUME_BY_WHO.
type QueryTopicConsumeByWhoRequest struct {
	Topic string
}

// Describe implements Describer.
func (r *QueryTopicConsumeByWhoRequest) Describe(b []byte) []byte {
	return append(append(b, "topic="...), r.Topic...)
}

// GroupList is QUERY_TOPIC_CONSUME_BY_WHO's reply (CM/protocol/body/GroupList),
// sorted.
type GroupList struct {
	Groups []string
}

// Describe implements Describer.
func (g *GroupList) Describe(b []byte) []byte {
	return strconv.AppendInt(append(b, "groups="...), int64(len(g.Groups)), 10)
}
