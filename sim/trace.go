package sim

import "io"

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
// Lines are built in one reused buffer with append calls, not fmt, because
// one is made for nearly every event.
type tracer struct {
	hash  uint64
	lines int64
	buf   []byte
	out   io.Writer
	// sec and hms cache "hh:mm:ss" of the last second stamped: most lines
	// fall in the same second as the line before.
	sec int64
	hms []byte
}

func (t *tracer) reset() { t.hash, t.sec = fnvOffset, -1 }

// begin starts a line: "<time> <kind> <subject>" with kind padded to 7.
func (t *tracer) begin(now Time, kind, subject string) []byte {
	b := t.stamp(t.buf[:0], now)
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

// end terminates, hashes and (optionally) writes the line.
func (t *tracer) end(b []byte) {
	b = append(b, '\n')
	h := t.hash
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	t.hash = h
	t.lines++
	if t.out != nil {
		t.out.Write(b) //nolint:errcheck // a trace sink error must not change the run
	}
	t.buf = b[:0]
}

// HashLines returns the FNV-1a 64 hash the tracer would keep for these
// bytes (whole lines including their '\n'); tests use it on written traces.
func HashLines(p []byte) uint64 {
	h := uint64(fnvOffset)
	for _, c := range p {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}
