package broker

import (
	"reflect"
	"testing"
)

// TestOffsetSnapshotShared: a snapshot is shared until an offset moves,
// and a later commit never changes a snapshot already handed out (the
// disk blob and the slaves hold them).
func TestOffsetSnapshotShared(t *testing.T) {
	m := &ConsumerOffsetManager{table: map[string]map[int]int64{}, queues: map[[2]string]map[int]int64{}}
	m.commitOffset("g", "T", 0, 5)
	a := m.snapshot()
	m.commitOffset("g", "T", 0, 5) // the same offset: nothing moved
	if b := m.snapshot(); reflect.ValueOf(b).Pointer() != reflect.ValueOf(a).Pointer() {
		t.Error("an unchanged table gave a new snapshot")
	}
	m.commitOffset("g", "T", 0, 7)
	m.commitOffset("g", "T", 1, 1)
	b := m.snapshot()
	if want := map[string]map[int]int64{"T@g": {0: 5}}; !reflect.DeepEqual(a, want) {
		t.Errorf("the first snapshot changed: %v, want %v", a, want)
	}
	if want := map[string]map[int]int64{"T@g": {0: 7, 1: 1}}; !reflect.DeepEqual(b, want) {
		t.Errorf("snapshot after commits %v, want %v", b, want)
	}
	m.putAll(map[string]map[int]int64{"U@g": {0: 3}})
	if c := m.snapshot(); len(c) != 2 || c["U@g"][0] != 3 {
		t.Errorf("snapshot after putAll %v", c)
	}
	if len(b) != 1 {
		t.Errorf("putAll changed an earlier snapshot: %v", b)
	}
	// putAll replaces a group's queue map: a later commit lands in the new one.
	m.putAll(map[string]map[int]int64{"T@g": {0: 9}})
	m.commitOffset("g", "T", 2, 4)
	if want := map[int]int64{0: 9, 2: 4}; !reflect.DeepEqual(m.table["T@g"], want) {
		t.Errorf("commit after putAll: %v, want %v", m.table["T@g"], want)
	}
}
