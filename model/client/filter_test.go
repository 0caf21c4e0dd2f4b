package client

import (
	"strings"
	"testing"

	"pgregory.net/rapid"

	"rmqsim/model"
)

// TestFilterMessagesAgreesWithCopy: filterMessages keeps the same messages
// as a filter that always builds a new slice, copies exactly the %RETRY%
// messages whose topic it restores, never changes the broker's records,
// and hands back the pulled slice itself only when nothing was dropped or
// copied.
func TestFilterMessagesAgreesWithCopy(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		pc := &PushConsumer{subscriptions: map[string]*model.SubscriptionData{}}
		if rapid.Bool().Draw(t, "subscribed") {
			sub := &model.SubscriptionData{Topic: "T"}
			sub.Tags = rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"A", "B"}), 0, 2, rapid.ID[string]).Draw(t, "tags")
			pc.subscriptions["T"] = sub
		}
		var msgs []*model.MessageExt
		for i, n := 0, rapid.IntRange(0, 5).Draw(t, "n"); i < n; i++ {
			m := &model.MessageExt{QueueOffset: int64(i)}
			m.Topic = rapid.SampledFrom([]string{"T", "%RETRY%g"}).Draw(t, "topic")
			m.Tags = rapid.SampledFrom([]string{"A", "B", "C", ""}).Draw(t, "tag")
			if rapid.Bool().Draw(t, "props") {
				m.Properties = map[string]string{PropertyRetryTopic: rapid.SampledFrom([]string{"", "T"}).Draw(t, "retry")}
			}
			msgs = append(msgs, m)
		}
		before := make([]model.MessageExt, len(msgs))
		for i, m := range msgs {
			before[i] = *m
		}

		// The reference: the filter as it was, a new slice every time.
		sub := pc.subscriptions["T"]
		var want []*model.MessageExt
		copied := map[int64]bool{}
		for _, m := range msgs {
			if sub != nil && len(sub.Tags) > 0 && !containsTag(sub.Tags, m.Tags) {
				continue
			}
			if rt := m.Properties[PropertyRetryTopic]; rt != "" && strings.HasPrefix(m.Topic, RetryGroupTopicPrefix) {
				cp := *m
				cp.Topic = rt
				m = &cp
				copied[m.QueueOffset] = true
			}
			want = append(want, m)
		}

		got := pc.filterMessages("T", msgs)
		if len(got) != len(want) {
			t.Fatalf("kept %d messages, want %d", len(got), len(want))
		}
		for i := range got {
			g, w := got[i], want[i]
			if g.QueueOffset != w.QueueOffset || g.Topic != w.Topic {
				t.Fatalf("message %d: offset %d topic %q, want offset %d topic %q", i, g.QueueOffset, g.Topic, w.QueueOffset, w.Topic)
			}
			if isCopy := g != msgs[g.QueueOffset]; isCopy != copied[g.QueueOffset] {
				t.Fatalf("message at offset %d: copied %v, want %v", g.QueueOffset, isCopy, copied[g.QueueOffset])
			}
		}
		for i, m := range msgs {
			if m.Topic != before[i].Topic || m.QueueOffset != before[i].QueueOffset {
				t.Fatalf("pulled message %d was changed", i)
			}
		}
		same := len(got) > 0 && &got[0] == &msgs[0]
		if unchanged := len(want) == len(msgs) && len(copied) == 0; len(msgs) > 0 && same != unchanged {
			t.Fatalf("returned the pulled slice: %v, want %v", same, unchanged)
		}
	})
}
