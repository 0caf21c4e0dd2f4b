package sim

import (
	"maps"
	"slices"
	"time"
)

// Disk is a host's storage: append logs and single-value blobs. Written data
// sits in the OS page cache until synced: a process kill keeps it, a
// power-off loses it. Each blob version is written back by the OS
// DirtyExpire after it was written, even without a sync (Linux
// dirty_expire_centisecs, default 30 s); logs are durable only up to a sync.
type Disk struct {
	logs  map[string]*Log
	blobs map[string]*Blob
	// DirtyExpire is how long unsynced blob data waits for OS writeback.
	DirtyExpire time.Duration
}

func (d *Disk) init() {
	d.logs = map[string]*Log{}
	d.blobs = map[string]*Blob{}
	d.DirtyExpire = 30 * time.Second
}

// Log returns the named append log, creating it empty.
func (d *Disk) Log(name string) *Log {
	l, ok := d.logs[name]
	if !ok {
		l = &Log{}
		d.logs[name] = l
	}
	return l
}

// Blob returns the named single-value file, creating it empty.
func (d *Disk) Blob(name string) *Blob {
	b, ok := d.blobs[name]
	if !ok {
		b = &Blob{disk: d}
		d.blobs[name] = b
	}
	return b
}

// sync is sync(2): every log and blob made durable.
func (d *Disk) sync() {
	for _, k := range slices.Sorted(maps.Keys(d.logs)) {
		d.logs[k].Sync()
	}
	for _, k := range slices.Sorted(maps.Keys(d.blobs)) {
		d.blobs[k].Sync()
	}
}

func (d *Disk) powerLoss(now Time) {
	for _, k := range slices.Sorted(maps.Keys(d.logs)) {
		d.logs[k].powerLoss()
	}
	for _, k := range slices.Sorted(maps.Keys(d.blobs)) {
		d.blobs[k].powerLoss(now)
	}
}

// Log is an append-only file of records. Records are kept in chunks of
// logChunk (all full but the last), so a long log, a broker's commit log,
// is never copied as it grows: a single slice copied every record at each
// doubling, ~7 % of BrokerStore's allocated bytes.
type Log struct {
	chunks [][]any
	n      int
	synced int
}

// logChunk is the records per chunk: the first grows by append up to it,
// later ones are made whole, so a short log stays small.
const logChunk = 1024

// Append writes a record (to the page cache) and returns its index.
func (l *Log) Append(rec any) int {
	last := len(l.chunks) - 1
	if last < 0 || len(l.chunks[last]) == logChunk {
		var c []any
		if last >= 0 {
			c = make([]any, 0, logChunk)
		}
		l.chunks = append(l.chunks, c)
		last++
	}
	l.chunks[last] = append(l.chunks[last], rec)
	l.n++
	return l.n - 1
}

// Len is the number of records written.
func (l *Log) Len() int { return l.n }

// At returns record i (out of range panics, as a slice index does: chunks
// before the last are full and the last holds exactly the rest).
func (l *Log) At(i int) any { return l.chunks[uint(i)/logChunk][uint(i)%logChunk] }

// Sync makes every written record durable.
func (l *Log) Sync() { l.synced = l.n }

// SyncTo makes the first n records durable.
func (l *Log) SyncTo(n int) {
	if n > l.n {
		n = l.n
	}
	if n > l.synced {
		l.synced = n
	}
}

// Synced is the number of durable records.
func (l *Log) Synced() int { return l.synced }

// powerLoss drops the records past the synced prefix.
func (l *Log) powerLoss() {
	for l.n > l.synced {
		last := len(l.chunks) - 1
		c := l.chunks[last]
		keep := max(0, l.synced-last*logChunk)
		clear(c[keep:])
		l.n -= len(c) - keep
		if keep == 0 {
			l.chunks[last] = nil
			l.chunks = l.chunks[:last]
		} else {
			l.chunks[last] = c[:keep]
		}
	}
}

// Blob is a file rewritten whole (a JSON config or offsets file). Each Write
// is a version in the page cache; the OS writes a version back DirtyExpire
// after it was written, so a blob rewritten every few seconds still reaches
// the disk, only DirtyExpire behind.
type Blob struct {
	disk    *Disk
	val     any
	durable any
	dirty   []blobVersion // unsynced writes, oldest first
}

type blobVersion struct {
	at  Time
	val any
}

// Write replaces the content in the page cache.
func (b *Blob) Write(now Time, v any) {
	b.writeBack(now)
	b.val = v
	b.dirty = append(b.dirty, blobVersion{at: now, val: v})
}

// Sync makes the content durable.
func (b *Blob) Sync() {
	b.durable = b.val
	clear(b.dirty)
	b.dirty = b.dirty[:0]
}

// Read returns the current content (nil if never written).
func (b *Blob) Read() any { return b.val }

// writeBack makes durable every version the OS has written back by now.
func (b *Blob) writeBack(now Time) {
	n := 0
	for n < len(b.dirty) && now.Sub(b.dirty[n].at) >= b.disk.DirtyExpire {
		b.durable = b.dirty[n].val
		n++
	}
	if n > 0 {
		rest := copy(b.dirty, b.dirty[n:])
		clear(b.dirty[rest:])
		b.dirty = b.dirty[:rest]
	}
}

func (b *Blob) powerLoss(now Time) {
	b.writeBack(now)
	b.val = b.durable
	clear(b.dirty)
	b.dirty = b.dirty[:0]
}
