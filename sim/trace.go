package sim

import "io"

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// tracer keeps the running hash over trace lines and optionally writes them.
// Lines are built in one reused buffer with append calls, not fmt, because
// one is made for nearly every event.
type tracer struct {
	hash  uint64
	lines int64
	buf   []byte
	out   io.Writer
}

func (t *tracer) reset() { t.hash = fnvOffset }

// begin starts a line: "<time> <kind> <subject>" with kind padded to 7.
func (t *tracer) begin(now Time, kind, subject string) []byte {
	b := now.AppendMicros(t.buf[:0])
	b = append(b, ' ')
	b = append(b, kind...)
	for i := len(kind); i < 7; i++ {
		b = append(b, ' ')
	}
	b = append(b, ' ')
	b = append(b, subject...)
	return b
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
