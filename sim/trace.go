package sim

import (
	"io"

	"rmqsim/par"
)

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// A trace line is "<hh:mm:ss.uuuuuu> <kind, padded to 7> <subject> <text>".
// The subject is a process "<host>/<service>", a host, or a link; for a
// connection the text starts "-> <remote> c<id>" ("<- " when receiving),
// where remote is the dialled address or, on the accepting side, the
// dialling process. The kernel's kinds:
//
//	proc     start incarnation=N | exit | dies with the power
//	fault    kill | stop | power-off | power-on | net-down | net-up |
//	         shutdown-orderly | shutdown-network-first | block | partition |
//	         heal | link ...
//	timer    <name>                        a named Process timer fired
//	dial     -> ADDR [SYN retry N]
//	connect  -> ADDR c<id> established | refused after D | timeout after D
//	recv     <- REMOTE c<id> [req#N|resp#N] <message>
//	timeout  -> REMOTE c<id> req#N          a call's reply did not come
//	close    -> REMOTE c<id> local|fin|reset|give-up|power-off
//	stall    -> REMOTE c<id> N packet(s) held, path closed
//	resume   -> REMOTE c<id> N packet(s) held, retransmitted at T
//	rst      <- REMOTE c<id> data for a closed socket
//
// Writes are not traced (only deliveries), so the common path costs one
// line per delivered message. Model code adds its own kinds (World.Trace).

// tracer keeps the running hash over trace lines and optionally writes them.
// Lines are built with append calls, not fmt, because one is made for
// nearly every event, straight into the chunk of lines not hashed yet.
//
// Hashing is FNV-1a, one multiply per byte in a chain no two bytes can
// share, and the trace is most of a byte per nanosecond of the run: so a
// full chunk is hashed on another goroutine while the next one fills
// (the second core of a single run is otherwise idle until the judges).
// The hash is the same whoever computes it: chunks are folded in order,
// each starting from the hash the one before ended with. A hashing
// goroutine (par.Start) lives for one chunk, so a world dropped mid-run
// leaves none behind. Written lines go to out one by one as they end, on the
// world's goroutine, as before.
type tracer struct {
	hash  uint64 // over every line before chunk and any chunk in flight
	lines int64
	chunk []byte // ended lines not hashed yet; a line is built at its end
	out   io.Writer
	// sec and hms cache "hh:mm:ss" of the last second stamped: most lines
	// fall in the same second as the line before.
	sec int64
	hms []byte
	// inFlight, when not nil, is the hash after the chunk being hashed
	// elsewhere; spare is that chunk's buffer once it is done.
	inFlight *par.Later[uint64]
	spare    []byte
	// behind: lines are gathered into chunks hashed on other goroutines
	// (Config.SpareCore); otherwise each is hashed as it ends.
	behind bool
}

// chunkSize is how many bytes of lines are handed over at once: large
// enough that starting a goroutine is nothing beside hashing them, small
// enough to stay in cache while they are hashed.
const chunkSize = 1 << 20

func (t *tracer) reset() { t.hash, t.sec = fnvOffset, -1 }

// begin starts a line: "<time> <kind> <subject>" with kind padded to 7.
func (t *tracer) begin(now Time, kind, subject string) []byte {
	b := t.stamp(t.chunk, now)
	b = append(b, ' ')
	b = append(b, kind...)
	for i := len(kind); i < 7; i++ {
		b = append(b, ' ')
	}
	b = append(b, ' ')
	b = append(b, subject...)
	return b
}

// stamp appends now as Time.AppendMicros does.
func (t *tracer) stamp(b []byte, now Time) []byte {
	if now < 0 {
		return now.AppendMicros(b)
	}
	if sec := int64(now) / 1e9; sec != t.sec {
		t.sec = sec
		t.hms = now.appendHMS(t.hms[:0])
	}
	b = append(b, t.hms...)
	us := (int64(now) / 1e3) % 1e6
	var d [7]byte
	d[0] = '.'
	for i := 6; i > 0; i-- {
		d[i] = byte('0' + us%10)
		us /= 10
	}
	return append(b, d[:]...)
}

// end terminates the line begin started (b is the chunk with the line
// at its tail) and writes it if a writer is set. Hashed here, the line
// goes at once and the next is built where it was, in cache; hashed
// behind, it stays in the chunk, handed over once full.
func (t *tracer) end(b []byte) {
	start := len(t.chunk)
	b = append(b, '\n')
	t.lines++
	if t.out != nil {
		t.out.Write(b[start:]) //nolint:errcheck // a trace sink error must not change the run
	}
	if !t.behind {
		t.hash = fold(t.hash, b)
		t.chunk = b[:0]
		return
	}
	t.chunk = b
	if len(b) >= chunkSize {
		t.handOff()
	}
}

// handOff starts hashing the full chunk on another goroutine, after the
// chunk before it is done, and takes that one's buffer for the next
// lines.
func (t *tracer) handOff() {
	t.settle()
	full, h := t.chunk, t.hash
	t.inFlight = par.Start(func() uint64 { return fold(h, full) })
	if t.spare == nil {
		t.spare = make([]byte, 0, chunkSize+chunkSize/4)
	}
	t.chunk, t.spare = t.spare[:0], full
}

// settle waits for the chunk in flight, if any, and takes its hash.
func (t *tracer) settle() {
	if t.inFlight != nil {
		t.hash = t.inFlight.Wait()
		t.inFlight = nil
	}
}

// sum is the hash over every line so far.
func (t *tracer) sum() uint64 {
	t.settle()
	t.hash = fold(t.hash, t.chunk)
	t.chunk = t.chunk[:0]
	return t.hash
}

// fold continues the FNV-1a 64 hash h over p.
func fold(h uint64, p []byte) uint64 {
	for _, c := range p {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// HashLines returns the FNV-1a 64 hash the tracer would keep for these
// bytes (whole lines including their '\n'); tests use it on written traces.
func HashLines(p []byte) uint64 { return fold(fnvOffset, p) }
