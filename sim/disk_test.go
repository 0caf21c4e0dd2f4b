package sim

import (
	"testing"
	"time"
)

func newDiskHost() (*World, *Host) {
	w := NewWorld(Config{Seed: 1})
	h := w.AddHost("h")
	h.AddService("svc", func(*Process) {})
	h.Start("svc")
	return w, h
}

func logRecords(l *Log) []any {
	out := make([]any, l.Len())
	for i := range out {
		out[i] = l.At(i)
	}
	return out
}

func TestDisk_KillKeepsUnsyncedData(t *testing.T) {
	w, h := newDiskHost()
	l, b := h.Disk().Log("commitlog"), h.Disk().Blob("offsets")
	l.Append("r0")
	l.Sync()
	l.Append("r1") // page cache only
	b.Write(w.Now(), "v1")
	h.Kill("svc")
	h.Start("svc")
	if l.Len() != 2 || l.At(1) != "r1" || b.Read() != "v1" {
		t.Fatalf("after kill: log %v blob %v, want both writes kept (OS page cache)", logRecords(l), b.Read())
	}
}

func TestDisk_PowerOffLosesUnsyncedData(t *testing.T) {
	w, h := newDiskHost()
	l, b := h.Disk().Log("commitlog"), h.Disk().Blob("offsets")
	for i := 0; i < 5; i++ {
		l.Append(i)
	}
	l.SyncTo(3)
	l.SyncTo(2) // never moves back
	if l.Synced() != 3 {
		t.Fatalf("synced %d, want 3", l.Synced())
	}
	b.Write(w.Now(), "durable")
	b.Sync()
	b.Write(w.Now(), "lost")
	h.PowerOff()
	if got := logRecords(l); len(got) != 3 || got[2] != 2 || b.Read() != "durable" {
		t.Fatalf("after power-off: log %v blob %v, want the synced prefix [0 1 2] and the synced blob", got, b.Read())
	}
	if idx := l.Append("next"); idx != 3 {
		t.Fatalf("append after power loss went to index %d, want 3", idx)
	}
	never := h.Disk().Blob("never-synced")
	never.Write(w.Now(), "x")
	h.PowerOn(0)
	h.PowerOff()
	if never.Read() != nil {
		t.Fatalf("a never-synced blob read %v after power loss, want nil", never.Read())
	}
}

func TestDisk_BlobWrittenBackAfterDirtyExpire(t *testing.T) {
	w, h := newDiskHost()
	d := h.Disk()
	if d.DirtyExpire != 30*time.Second {
		t.Fatalf("DirtyExpire %v, want Linux's 30 s", d.DirtyExpire)
	}
	old, young := d.Blob("old"), d.Blob("young")
	old.Write(w.Now(), "old")
	runFor(w, 20*time.Second)
	young.Write(w.Now(), "young")
	runFor(w, 10*time.Second) // old is exactly 30 s dirty, young 10 s
	h.PowerOff()
	if old.Read() != "old" || young.Read() != nil {
		t.Fatalf("old=%v young=%v: want old written back, young lost", old.Read(), young.Read())
	}
}

// A blob rewritten more often than DirtyExpire (offsets persisted every
// 5 s) still reaches the disk: each version is written back on its own.
func TestDisk_BlobRewrittenOftenKeepsAnExpiredVersion(t *testing.T) {
	w, h := newDiskHost()
	b := h.Disk().Blob("consumerOffset.json")
	for i := 0; i <= 12; i++ { // versions at 0, 5, ..., 60 s
		b.Write(w.Now(), i)
		runFor(w, 5*time.Second)
	}
	// Power-off at 65 s: versions up to 35 s are 30 s old, 40 s onwards not.
	h.PowerOff()
	if b.Read() != 7 {
		t.Fatalf("after power-off the blob reads %v, want version 7 (written at 35 s)", b.Read())
	}
	h.Disk().DirtyExpire = time.Hour
	b.Write(w.Now(), 100)
	b.Sync()
	b.Write(w.Now(), 101)
	h.PowerOn(0)
	h.PowerOff()
	if b.Read() != 100 {
		t.Fatalf("after sync and power-off the blob reads %v, want the synced 100", b.Read())
	}
}

// TestLog_ChunksKeepIndexesAcrossPowerLoss: a log longer than a chunk
// keeps every record at its index, and a power loss truncating inside a
// chunk or at a chunk boundary leaves exactly the synced prefix.
func TestLog_ChunksKeepIndexesAcrossPowerLoss(t *testing.T) {
	for _, synced := range []int{0, 1, logChunk - 1, logChunk, logChunk + 1, 2*logChunk + 7} {
		l := &Log{}
		for i := 0; i < 3*logChunk+5; i++ {
			if got := l.Append(i); got != i {
				t.Fatalf("Append %d returned %d", i, got)
			}
		}
		l.SyncTo(synced)
		l.powerLoss()
		if l.Len() != synced {
			t.Fatalf("synced %d: Len %d after power loss", synced, l.Len())
		}
		for i := 0; i < logChunk+3; i++ {
			l.Append(synced + i)
		}
		for i := 0; i < l.Len(); i++ {
			if l.At(i).(int) != i {
				t.Fatalf("synced %d: At(%d) = %v", synced, i, l.At(i))
			}
		}
	}
}
