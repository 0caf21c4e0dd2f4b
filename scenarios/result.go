package scenarios

import (
	"time"

	"rmqsim/check"
	"rmqsim/explain"
	"rmqsim/history"
	"rmqsim/model"
)

// Result is what one run of a scenario produced: the summary printed by
// `simulate run -json` (field names are the CLI's contract, see
// docs/scenarios.md) plus, kept out of the JSON, the history and the
// scenario it came from, for the explanations and the report.
//
// Every field but WallMs is a pure function of (scenario, variant,
// overrides, seed). WallMs is measured by the caller (the CLI) around Run
// and is 0 when nobody measured it.
type Result struct {
	Scenario string `json:"scenario"`
	Variant  string `json:"variant"`
	Seed     uint64 `json:"seed"`
	// TraceHash is the FNV-1a 64 hash of the trace, 16 hex digits.
	TraceHash string `json:"trace_hash"`
	// Events is the number of simulation events executed.
	Events int64 `json:"events"`
	// SimTimeMs is the virtual time the run covered, in milliseconds.
	SimTimeMs int64 `json:"sim_time_ms"`
	// WallMs is the wall-clock time of the run, set by the caller.
	WallMs int64 `json:"wall_ms"`
	// Outcome is why the run ended: "horizon", "done" or
	// "budget-exhausted" (sim.Outcome).
	Outcome string `json:"outcome"`
	// CountsFrom is where the scenario says its compared numbers are
	// read: "logs" (Messages, Steps[].Messages) or "dashboard"
	// (Steps[].Observer). It changes nothing in the run.
	CountsFrom string `json:"counts_from"`

	// Messages counts every message of the run (see Messages).
	Messages Messages `json:"messages"`
	// StoredByBroker is how many distinct messages each brokerName's
	// master stored (ground truth, not the dashboard's view).
	StoredByBroker map[string]int `json:"stored_by_broker"`
	// Fates counts messages by fate (the explain package's taxonomy).
	Fates map[string]int `json:"fates"`
	// Verdicts is each checked property: "pass", "fail" or "unknown".
	Verdicts map[string]string `json:"verdicts"`
	// Expectations are the scenario's expectations, in file order, with
	// what the run gave.
	Expectations []ExpectationResult `json:"expectations"`
	// Steps are the scenario's named steps, in timeline order.
	Steps []StepResult `json:"steps"`

	// History is the run's full record (history.jsonl with -out).
	History *history.History `json:"-"`
	// Judgement is the judges' whole report: every property's verdict,
	// violation and finding (package check).
	Judgement *check.Report `json:"-"`
	// Explanation is every message's fate and causal chain.
	Explanation *explain.Explanation `json:"-"`
	// Spec is the scenario as run: the variant and overrides applied.
	Spec *Scenario `json:"-"`
	// Config is the configuration the run used (defaults + overrides).
	Config *model.Config `json:"-"`
	// Cluster is the cluster layout (Spec.Cluster as a model spec).
	Cluster *model.ClusterSpec `json:"-"`
	// HealAt is when the scenario's judge.healAt came; 0 when it is not
	// declared or never came (the judges then take the last fault).
	HealAt time.Duration `json:"-"`
}

// Messages are the delivery counters of a run or of one step. A message
// is one key a producer program meant to send.
type Messages struct {
	// Intended: messages the producer programs meant to send (their counts).
	Intended int `json:"intended"`
	// SendOK: send() returned SEND_OK.
	SendOK int `json:"send_ok"`
	// SendFailed: send() threw or returned a status other than SEND_OK.
	SendFailed int `json:"send_failed"`
	// NeverSent: intended, but send() was never called (the program ended
	// or the horizon came first).
	NeverSent int `json:"never_sent"`
	// Stored: stored by some broker master (whatever send() returned).
	Stored int `json:"stored"`
	// ConsumedUnique: distinct messages delivered to a listener.
	ConsumedUnique int `json:"consumed_unique"`
	// Duplicates: deliveries beyond the first of a message.
	Duplicates int `json:"duplicates"`
	// LostAcked: acknowledged (SEND_OK) but never consumed by the horizon.
	LostAcked int `json:"lost_acked"`
}

// ExpectationResult is one expectation of the scenario and whether it held.
type ExpectationResult struct {
	// Property is a property name as in Verdicts, e.g. "no_lost_acked".
	Property string `json:"property"`
	// Want is "pass", "fail" or "unknown", as written in the scenario.
	Want string `json:"want"`
	// Got is the run's verdict ("unknown" if the property was not judged).
	Got string `json:"got"`
	// Held is Want == Got.
	Held bool `json:"held"`
}

// StepResult is one named step of the timeline as the run went.
type StepResult struct {
	Name string `json:"name"`
	// Started is false when the step's trigger never came (e.g. the
	// program it waits for never exited before the horizon).
	Started bool `json:"started"`
	// StartMs and EndMs bound the step in virtual milliseconds: a step
	// ends at its own end, else at the next step's start, else at the end
	// of the run. Both are -1 when the step never started.
	StartMs int64 `json:"start_ms"`
	EndMs   int64 `json:"end_ms"`
	// Messages counts the messages that belong to the step (see
	// docs/scenarios.md, "Steps").
	Messages Messages `json:"messages"`
	// Observer is what each console page showed at the step's end, keyed
	// <view>/<figure>[/<broker or topic>] (model/app.Console); null where
	// no page showed anything.
	Observer Observer `json:"observer"`
}

// Observer is the console's pages at a moment: figure key → Figure.
type Observer map[string]Figure

// Figure is one figure a console page showed.
type Figure struct {
	// Value is the number shown; null for a page that showed only a toast
	// (keyed by the page's name).
	Value *int64 `json:"value"`
	// ReadAtMs is when the data shown was read (virtual ms).
	ReadAtMs int64 `json:"read_at_ms"`
	// StaleSince, if set, is when a refresh first failed to replace the
	// data shown (the page kept showing it).
	StaleSince *int64 `json:"stale_since,omitempty"`
	// Error is the toast the page showed, the last since the data was read.
	Error string `json:"error,omitempty"`
}

// Value is the number shown for key; false when the page shows none.
func (o Observer) Value(key string) (int64, bool) {
	f, ok := o[key]
	if !ok || f.Value == nil {
		return 0, false
	}
	return *f.Value, true
}

// ExpectationsHeld reports whether every expectation held.
func (r *Result) ExpectationsHeld() bool {
	for _, e := range r.Expectations {
		if !e.Held {
			return false
		}
	}
	return true
}
