package sim

import (
	"strconv"
	"time"
)

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

// String formats t as hh:mm:ss.mmm (the field report's log precision).
func (t Time) String() string { return string(t.AppendMillis(nil)) }

// AppendMillis appends hh:mm:ss.mmm.
func (t Time) AppendMillis(b []byte) []byte {
	b = t.appendHMS(b)
	ms := (int64(t) / 1e6) % 1000
	b = append(b, '.')
	return pad(b, ms, 3)
}

// AppendMicros appends hh:mm:ss.uuuuuu, the trace's precision.
func (t Time) AppendMicros(b []byte) []byte {
	b = t.appendHMS(b)
	us := (int64(t) / 1e3) % 1e6
	b = append(b, '.')
	return pad(b, us, 6)
}

func (t Time) appendHMS(b []byte) []byte {
	if t < 0 {
		b = append(b, '-')
		t = -t
	}
	s := int64(t) / 1e9
	b = pad(b, s/3600, 2)
	b = append(b, ':')
	b = pad(b, (s/60)%60, 2)
	b = append(b, ':')
	return pad(b, s%60, 2)
}

func pad(b []byte, v int64, width int) []byte {
	n := len(strconv.AppendInt(nil, v, 10))
	for ; n < width; n++ {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, v, 10)
}
