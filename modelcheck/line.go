package modelcheck

import (
	"maps"
	"slices"

	"rmqsim/scenarios"
)

// Line is one job of the check: a canonical schedule and what its run
// showed, one JSON line of runs.jsonl. It is a pure function of the
// space and the job's index.
type Line struct {
	Run  int `json:"run"`
	Size int `json:"size"`
	// Pairs are the schedule's faults (indexes into space.json's pairs);
	// Schedule the same in words.
	Pairs    []int    `json:"pairs"`
	Schedule []string `json:"schedule"`
	// Class is how many schedules of the space the canonical schedule
	// stands for (itself and its distinct renamings).
	Class int `json:"class"`
	// Ran is false when every property already failed on a smaller
	// schedule this one contains (up to renaming): it was not run.
	Ran       bool                `json:"ran"`
	Outcome   string              `json:"outcome,omitempty"`
	Events    int64               `json:"events,omitempty"`
	TraceHash string              `json:"trace_hash,omitempty"`
	Messages  *scenarios.Messages `json:"messages,omitempty"`
	// Properties are the space's properties, in its order.
	Properties []PropLine `json:"properties"`
}

// PropLine is one property on one schedule.
type PropLine struct {
	Name string `json:"name"`
	// Status: pass, fail (a minimal failure: no smaller schedule it
	// contains failed), unknown (the run could not decide it), or covered
	// (a smaller schedule it contains, up to renaming, already failed:
	// not judged, so that each failure is reported once, at its smallest).
	Status string `json:"status"`
	// CoveredBy is the run of the minimal failure that covers it.
	CoveredBy *int `json:"covered_by,omitempty"`
	// Value is what was judged: the verdict, or the metric's value.
	Value string `json:"value,omitempty"`
	// Explanation is, for a failure, package explain's causes and the
	// chain of the first message whose fate shows it.
	Explanation string `json:"explanation,omitempty"`
}

// The statuses of a PropLine.
const (
	StatusPass    = "pass"
	StatusFail    = "fail"
	StatusUnknown = "unknown"
	StatusCovered = "covered"
)

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
