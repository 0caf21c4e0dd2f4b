package client

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strings"

	"rmqsim/model"
	"rmqsim/sim"
)

// runEpochInMonth places virtual time 0 in the calendar for the UNIQ_KEY's
// "ms since the start of the month" (model.WallClockAtZero).
const runEpochInMonth = model.WallClockAtZero

// uniqIDSetter is CM/message/MessageClientIDSetter, one per JVM (process):
// UNIQ_KEY = hex(ip4, pid as int16, classloader hashCode) + hex(ms since
// the month began as int32, counter as int16), 32 uppercase hex digits.
// The classloader hash comes from the process's random stream, the time
// from virtual time, so ids are deterministic and unique per process.
type uniqIDSetter struct {
	fix     string
	counter uint16
}

func newUniqIDSetter(ip string, pid int, r *sim.Rand) *uniqIDSetter {
	var b [10]byte
	if a, err := netip.ParseAddr(ip); err == nil && a.Is4() {
		v := a.As4()
		copy(b[:4], v[:])
	} else {
		binary.BigEndian.PutUint32(b[:4], r.Uint32()) // createFakeIP
	}
	binary.BigEndian.PutUint16(b[4:6], uint16(pid))
	binary.BigEndian.PutUint32(b[6:10], r.Uint32())
	return &uniqIDSetter{fix: strings.ToUpper(hex.EncodeToString(b[:]))}
}

// createUniqID is createUniqID: the fixed prefix plus time and counter.
func (u *uniqIDSetter) createUniqID(now sim.Time) string {
	var b [6]byte
	ms := (runEpochInMonth + now.Duration()).Milliseconds()
	binary.BigEndian.PutUint32(b[:4], uint32(int32(ms)))
	binary.BigEndian.PutUint16(b[4:], u.counter)
	u.counter++
	// Uppercase hex appended to the prefix in one buffer: one string
	// allocation per message, not three (encode, ToUpper, concatenate).
	const digits = "0123456789ABCDEF"
	var out [64]byte
	id := append(out[:0], u.fix...)
	for _, c := range b {
		id = append(id, digits[c>>4], digits[c&0xf])
	}
	return string(id)
}
