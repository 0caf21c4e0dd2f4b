package sim

import "time"

// Time is virtual time: nanoseconds since the start of a run.
type Time int64

// Never is a time no run reaches; it marks "no deadline".
const Never Time = 1<<63 - 1

// Add returns t+d.
func (t Time) Add(d time.Duration) Time { return t + Time(d) }

// Sub returns the duration t-u.
func (t Time) Sub(u Time) time.Duration { return time.Duration(t - u) }

// Duration returns t as a duration since the start of the run.
func (t Time) Duration() time.Duration { return time.Duration(t) }

// Millis returns t in whole milliseconds.
func (t Time) Millis() int64 { return int64(t) / int64(time.Millisecond) }

// String formats t as hh:mm:ss.mmm (the field report's log precision). It
// formats into a stack buffer (at most "-2562047:47:16.854", 18 bytes),
// so the string is its one allocation.
func (t Time) String() string {
	var buf [24]byte
	return string(t.AppendMillis(buf[:0]))
}

// AppendMillis appends hh:mm:ss.mmm.
func (t Time) AppendMillis(b []byte) []byte {
	b, t = appendSign(b, t)
	b = t.appendHMS(b)
	b = append(b, '.')
	return pad(b, (int64(t)/1e6)%1000, 3)
}

// AppendMicros appends hh:mm:ss.uuuuuu, the trace's precision.
func (t Time) AppendMicros(b []byte) []byte {
	b, t = appendSign(b, t)
	b = t.appendHMS(b)
	b = append(b, '.')
	return pad(b, (int64(t)/1e3)%1e6, 6)
}

// appendSign appends '-' for a negative t (a difference of times) and
// returns |t|, so that every field below is formatted from the same sign.
func appendSign(b []byte, t Time) ([]byte, Time) {
	if t >= 0 {
		return b, t
	}
	b = append(b, '-')
	if t == -1<<63 {
		return b, Never // |MinInt64| does not fit; off by 1 ns
	}
	return b, -t
}

// appendHMS appends hh:mm:ss of a non-negative t (hours may exceed 99).
func (t Time) appendHMS(b []byte) []byte {
	s := int64(t) / 1e9
	b = pad(b, s/3600, 2)
	b = append(b, ':')
	b = pad(b, (s/60)%60, 2)
	b = append(b, ':')
	return pad(b, s%60, 2)
}

// pad appends the non-negative v in decimal with at least width digits. It
// does not allocate: it runs for nearly every trace line.
func pad(b []byte, v int64, width int) []byte {
	var d [20]byte
	i := len(d)
	for v >= 10 {
		i--
		d[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	d[i] = byte('0' + v)
	for n := len(d) - i; n < width; n++ {
		b = append(b, '0')
	}
	return append(b, d[i:]...)
}
