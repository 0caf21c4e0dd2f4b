package check

import (
	"errors"
	"fmt"
	"slices"
)

// Tolerated is one cause a configuration declares acceptable, for one
// property or (Property empty) for every property. Why is the claim in
// words, shown on each finding it covers.
type Tolerated struct {
	Cause    Cause    `json:"cause" yaml:"cause"`
	Property Property `json:"property,omitempty" yaml:"property,omitempty"`
	Why      string   `json:"why" yaml:"why"`
}

// Tolerance is the declared fault envelope of a configuration, as data: a
// violation whose cause it lists becomes a Finding, anything else a
// Failure. The empty tolerance ("one nameserver down loses nothing")
// tolerates nothing. Scenario files can list entries; the functions below
// build the common ones.
type Tolerance []Tolerated

// Match returns the first entry covering v.
func (t Tolerance) Match(v Violation) (Tolerated, bool) {
	for _, e := range t {
		if e.Cause == v.Cause && (e.Property == "" || e.Property == v.Property) {
			return e, true
		}
	}
	return Tolerated{}, false
}

// Validate reports every entry naming an unknown cause or property, or
// giving no reason, by its index.
func (t Tolerance) Validate() error {
	var errs []error
	for i, e := range t {
		if !slices.Contains(causes(), e.Cause) {
			errs = append(errs, fmt.Errorf("tolerance[%d]: unknown cause %q (known: %v)", i, e.Cause, causes()))
		}
		if e.Property != "" && !slices.Contains(properties(), e.Property) {
			errs = append(errs, fmt.Errorf("tolerance[%d]: unknown property %q (known: %v)", i, e.Property, properties()))
		}
		if e.Why == "" {
			errs = append(errs, fmt.Errorf("tolerance[%d]: cause %q needs a why", i, e.Cause))
		}
	}
	return errors.Join(errs...)
}

// AtLeastOnce tolerates the duplicates RocketMQ's at-least-once delivery
// explains (§5.8); unexplained duplicates stay failures.
func AtLeastOnce() Tolerance {
	why := "at-least-once delivery (§5.8)"
	return Tolerance{
		{Cause: CauseProducerRetry, Property: NoDuplicates, Why: why + ": producer retry after a timeout"},
		{Cause: CauseReconsumeLater, Property: NoDuplicates, Why: why + ": RECONSUME_LATER"},
		{Cause: CauseRebalance, Property: NoDuplicates, Why: why + ": queue moved in a rebalance"},
		{Cause: CauseConsumerRestart, Property: NoDuplicates, Why: why + ": consumer restart, offset commit lag"},
		{Cause: CauseBrokerRestart, Property: NoDuplicates, Why: why + ": broker restart, offsets flushed every 5 s"},
	}
}

// AsyncFlush tolerates losing acknowledged but unflushed messages when a
// broker host loses power (flushDiskType ASYNC_FLUSH, §5.9).
func AsyncFlush() Tolerance {
	return Tolerance{{Cause: CauseUnflushedLost, Why: "ASYNC_FLUSH loses unflushed messages on power-off (§5.9)"}}
}

// AsyncMaster tolerates reads from a lagging slave (brokerRole
// ASYNC_MASTER, §2.4): the queue log and offsets are not linearizable
// across a master failure.
func AsyncMaster() Tolerance {
	why := "ASYNC_MASTER: a slave lags its master (§2.4)"
	return Tolerance{
		{Cause: CauseSlaveRead, Property: LinearQueues, Why: why},
		{Cause: CauseSlaveRead, Property: LinearOffsets, Why: why},
		{Cause: CauseBrokerRestart, Property: LinearOffsets, Why: "a broker crash loses up to 5 s of offset commits (§2.5)"},
	}
}
