package report

import (
	"strconv"
	"time"

	"rmqsim/sim"
)

func itoa(i int) string     { return strconv.Itoa(i) }
func itoa64(i int64) string { return strconv.FormatInt(i, 10) }

// clock formats a virtual time as hh:mm:ss.mmm.
func clock(d time.Duration) string { return sim.Time(d).String() }
