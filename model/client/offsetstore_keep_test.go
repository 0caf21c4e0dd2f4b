package client

import (
	"fmt"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

// TestKeepAssignedAgreesWithSet: the merge walk keeps exactly the table's
// queues that are assigned, sorted, and forgets the rest, as a set
// lookup would, whatever the order of assigned.
func TestKeepAssignedAgreesWithSet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.Custom(func(t *rapid.T) MessageQueue {
			return MessageQueue{
				Topic:      rapid.SampledFrom([]string{"T", "%RETRY%g", "U"}).Draw(t, "topic"),
				BrokerName: rapid.SampledFrom([]string{"broker-a", "broker-b"}).Draw(t, "broker"),
				QueueID:    rapid.IntRange(0, 4).Draw(t, "queue"),
			}
		})
		table := map[MessageQueue]int64{}
		for i, mq := range rapid.SliceOf(gen).Draw(t, "table") {
			table[mq] = int64(i)
		}
		assigned := rapid.SliceOf(gen).Draw(t, "assigned")

		in := map[MessageQueue]bool{}
		for _, mq := range assigned {
			in[mq] = true
		}
		want := map[MessageQueue]int64{}
		var wantKept []MessageQueue
		for _, mq := range sortedQueueKeys(table) {
			if in[mq] {
				want[mq] = table[mq]
				wantKept = append(wantKept, mq)
			}
		}
		before := fmt.Sprint(assigned)
		kept := keepAssigned(nil, table, assigned)
		if len(kept) != len(wantKept) || (len(kept) > 0 && !reflect.DeepEqual(kept, wantKept)) {
			t.Fatalf("kept %v, want %v", kept, wantKept)
		}
		if !reflect.DeepEqual(table, want) {
			t.Fatalf("table %v, want %v", table, want)
		}
		if fmt.Sprint(assigned) != before {
			t.Fatalf("assigned was reordered: %v, was %s", assigned, before)
		}
	})
}
