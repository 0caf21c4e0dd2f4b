package sweep

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"rmqsim/metrics"
	"rmqsim/scenarios"
	"rmqsim/shard"
)

// Files of a sweep folder.
const (
	PlanFile    = "sweep.json"
	RunsFile    = "runs.jsonl"
	SummaryFile = "summary.json"
	ReportFile  = "REPORT.md"
	HTMLFile    = "report.html"
	PlotDir     = "plots"
	kind        = "sweep"
)

// RunLine is one line of runs.jsonl: a run's inputs and what it gave.
// Nothing in it depends on the machine or the clock.
type RunLine struct {
	Run       int                `json:"run"`
	Variant   string             `json:"variant"`
	Point     map[string]string  `json:"point"`
	Seed      uint64             `json:"seed"`
	TraceHash string             `json:"trace_hash"`
	Outcome   string             `json:"outcome"`
	Events    int64              `json:"events"`
	SimTimeMs int64              `json:"sim_time_ms"`
	Messages  scenarios.Messages `json:"messages"`
	Fates     map[string]int     `json:"fates"`
	Verdicts  map[string]string  `json:"verdicts"`
	Steps     []StepLine         `json:"steps"`
	Metrics   metrics.Set        `json:"metrics"`
}

// StepLine is one step of a run in runs.jsonl.
type StepLine struct {
	Name     string             `json:"name"`
	Started  bool               `json:"started"`
	StartMs  int64              `json:"start_ms"`
	EndMs    int64              `json:"end_ms"`
	Messages scenarios.Messages `json:"messages"`
}

// Line runs job i and returns its runs.jsonl line.
func (p *Plan) Line(i int) (RunLine, error) {
	res, err := p.Run(i)
	if err != nil {
		return RunLine{}, err
	}
	c := p.Cells[p.cellOf(i)]
	l := RunLine{
		Run: i, Variant: c.Variant, Point: c.Point.Map(), Seed: res.Seed, TraceHash: res.TraceHash,
		Outcome: res.Outcome, Events: res.Events, SimTimeMs: res.SimTimeMs, Messages: res.Messages,
		Fates: res.Fates, Verdicts: res.Verdicts, Metrics: metrics.Of(res, p.namedMetrics()...),
	}
	for _, s := range res.Steps {
		l.Steps = append(l.Steps, StepLine{Name: s.Name, Started: s.Started, StartMs: s.StartMs, EndMs: s.EndMs, Messages: s.Messages})
	}
	return l, nil
}

// namedMetrics are the spec's headline and questions' metrics, so that
// detail metrics named there are computed (metrics.Of).
func (p *Plan) namedMetrics() []string {
	out := append([]string(nil), p.Spec.Metrics...)
	for _, q := range p.Spec.Questions {
		out = append(out, q.Metrics...)
	}
	return out
}

func (p *Plan) cellOf(i int) int { c, _ := p.Job(i); return c }

// Options are how a sweep runs; none changes its output.
type Options struct {
	Shard    shard.Spec
	Workers  int
	Progress shard.Progress
}

// Execute runs the plan's jobs that opts.Shard owns into dir and, when
// they all ran, writes the summary and the report (Finish). When ctx is
// cancelled it stops starting runs, leaves runs.jsonl holding complete
// lines only (a prefix in job order) and a manifest that says how many,
// and returns ctx's error.
func Execute(ctx context.Context, p *Plan, dir string, opts Options) (int, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	if err := writeJSON(filepath.Join(dir, PlanFile), p); err != nil {
		return 0, err
	}
	f, err := os.Create(filepath.Join(dir, RunsFile))
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriter(f)
	job := func(i int) ([]byte, error) {
		l, err := p.Line(i)
		if err != nil {
			return nil, err
		}
		return json.Marshal(l)
	}
	emit := func(_ int, line []byte) error {
		w.Write(line)
		return w.WriteByte('\n')
	}
	done, runErr := shard.Each(ctx, p.Jobs, opts.Shard, max(1, opts.Workers), job, emit, opts.Progress)
	if err := w.Flush(); err != nil {
		f.Close()
		return done, err
	}
	if err := f.Close(); err != nil {
		return done, err
	}
	m := shard.Manifest{Kind: kind, Fingerprint: p.Fingerprint, Shard: opts.Shard.Index, Of: opts.Shard.Of, Jobs: p.Jobs, Done: done}
	if err := shard.WriteManifest(dir, m); err != nil {
		return done, err
	}
	if runErr != nil {
		return done, runErr
	}
	return done, Finish(dir)
}

// Merge writes into out the sweep that the shard folders dirs make up
// together, byte-identical to running it unsharded.
func Merge(out string, dirs []string) error {
	m, lines, err := shard.Merge(kind, RunsFile, dirs)
	if err != nil {
		return err
	}
	plan, err := os.ReadFile(filepath.Join(dirs[0], PlanFile))
	if err != nil {
		return err
	}
	for _, d := range dirs[1:] {
		b, err := os.ReadFile(filepath.Join(d, PlanFile))
		if err != nil {
			return err
		}
		if string(b) != string(plan) {
			return fmt.Errorf("merge: %s and %s hold different sweeps (%s differs)", dirs[0], d, PlanFile)
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, PlanFile), plan, 0o644); err != nil {
		return err
	}
	var b []byte
	for _, l := range lines {
		b = append(append(b, l.Data...), '\n')
	}
	if err := os.WriteFile(filepath.Join(out, RunsFile), b, 0o644); err != nil {
		return err
	}
	if err := shard.WriteManifest(out, m); err != nil {
		return err
	}
	return Finish(out)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
