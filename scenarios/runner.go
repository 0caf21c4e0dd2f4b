package scenarios

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"rmqsim/history"
	"rmqsim/model"
	"rmqsim/sim"
)

// RunOptions are the inputs of a run besides the scenario. A run is a
// pure function of (scenario, Variant, Overrides, Seed): the same inputs
// give a byte-identical trace and the same Result.
type RunOptions struct {
	// Variant is applied to the scenario's base; "" runs the scenario as
	// given.
	Variant string
	// Seed is the root seed; 0 means the scenario's seed.
	Seed uint64
	// Overrides are "key=value" configuration overrides applied after the
	// scenario's own (`simulate run -set`).
	Overrides []string
	// TraceWriter, if set, receives the trace, one line per event.
	TraceWriter io.Writer
	// VisualizePath, if set, is where porcupine's HTML visualisation goes
	// when a queue log or a committed offset is not linearizable (with the
	// faults as annotations); nothing is written otherwise.
	VisualizePath string
	// SpareCore says the caller runs this run alone, with a core to
	// spare (sim.Config.SpareCore); it changes the speed, never a byte.
	SpareCore bool

	// build wires the cluster into the world; nil means the model's
	// cluster.Build. Tests of the timeline give a stand-in.
	build buildFunc
}

// buildFunc adds the scenario's hosts and services to the world without
// starting any.
type buildFunc func(w *sim.World, env *model.Env, s *Scenario) error

// Run runs a scenario once: it builds the world and the cluster, starts
// the nameservers and brokers at time 0, schedules the programs, steps
// and faults on virtual time, runs to the horizon (or the event budget),
// then judges and explains the history. The error is for bad input (an
// unknown variant, a bad override); everything that happens inside the
// run is in the Result.
func Run(sc *Scenario, opts RunOptions) (*Result, error) {
	s := sc
	if opts.Variant != "" {
		var err error
		if s, err = sc.WithVariant(opts.Variant); err != nil {
			return nil, err
		}
	}
	cfg, err := s.configWith(opts.Overrides)
	if err != nil {
		return nil, err
	}
	seed := opts.Seed
	if seed == 0 {
		seed = s.Seed
	}
	w := sim.NewWorld(sim.Config{Seed: seed, Horizon: s.Horizon.D(), Budget: s.Budget, SpareCore: opts.SpareCore})
	w.SetTraceWriter(opts.TraceWriter)
	h := history.New(s.historyHint())
	spec := s.Cluster.ClusterSpec()
	env := &model.Env{Cfg: cfg, Rec: model.NewRecorder(w, h), Cluster: &spec}
	build := opts.build
	if build == nil {
		build = buildCluster
	}
	if err := build(w, env, s); err != nil {
		return nil, fmt.Errorf("%s: cluster: %w", s.Path, err)
	}
	tl := newTimeline(w, env, s)
	tl.schedule()
	outcome := w.Run()
	tl.finish()
	env.Rec.Flush() // every record packed (see model.Recorder)
	h.Seal()        // the judges only read it
	res := &Result{
		Scenario: s.Name, Variant: s.Variant, Seed: seed, CountsFrom: s.CountsFrom,
		TraceHash: fmt.Sprintf("%016x", w.TraceHash()), Events: w.Events(),
		SimTimeMs: w.Now().Millis(), Outcome: outcome.String(),
		History: h, Spec: s, Config: cfg, Cluster: &spec, HealAt: tl.healAt,
	}
	// The steps' spans and the heal time are all the judges need of the
	// timeline: with them taken, neither the timeline nor the world is
	// used again, so the world (the model's brokers, clients and their
	// messages, ~0.4 KB a message) is garbage before the judges build
	// their own structures.
	spans, runEnd, healAt := tl.spans, w.Now(), tl.healAt
	between(h)
	facts := scanHistory(h, anyStarted(spans))
	res.Steps = stepResults(spans, runEnd, h, facts)
	if err := judge(res, facts, healAt, opts.VisualizePath); err != nil {
		return nil, err
	}
	return res, nil
}

// configWith is the scenario's configuration (4.8 defaults, the file's
// overrides, then the caller's "key=value" overrides).
func (s *Scenario) configWith(overrides []string) (*model.Config, error) {
	cfg := model.DefaultConfig()
	for _, st := range s.Config {
		if err := cfg.Set(st.Key, st.Value); err != nil {
			return nil, Problems{{File: s.Path, Line: st.Line, Field: st.Path, Msg: err.Error()}}
		}
	}
	for _, o := range overrides {
		key, val, ok := strings.Cut(o, "=")
		if !ok {
			return nil, fmt.Errorf("-set %q: want key=value, e.g. client.pollNameServerInterval=10s", o)
		}
		if err := cfg.Set(strings.TrimSpace(key), val); err != nil {
			return nil, fmt.Errorf("-set %s: %w", o, err)
		}
	}
	return &cfg, nil
}

// historyHint is the history's expected length: about a dozen records per
// intended message (send call, attempt, return, stored, replicated,
// pulled, delivered, consumed, ...) plus the clients' and brokers' own.
// Sizing the slice once spares copying a large history as it grows.
func (s *Scenario) historyHint() int {
	n := 0
	for _, p := range s.Programs.Producers {
		n += p.Count
	}
	return 12*n + 8192
}

// longHistory is the length from which Run collects garbage between its
// phases (about 400,000 messages). Below it a forced collection costs
// more than it saves: at 100,000 messages (2^20 records) the three of
// them cost ~7 % of the run's CPU and took nothing off its max RSS; at
// 1,000,000 they take 0.2–0.4 GB off it (docs/performance.md).
const longHistory = 1 << 22

// between ends one phase of judging a long run and starts the next: the
// collector paces itself by the live heap it found last, so a phase that
// starts while the last one's structures (the world, then each judge's
// maps) still count as live may grow to twice their size and its own
// before the next collection. Collecting once here, after the last
// phase's structures are dropped, starts each phase from the history
// alone. A short run (the field experiment's, a sweep's) skips it: its
// heap is small and a forced collection would cost more than it saves.
func between(h *history.History) {
	if h.Len() >= longHistory {
		runtime.GC()
	}
}
