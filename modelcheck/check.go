package modelcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"rmqsim/explain"
	"rmqsim/history"
	"rmqsim/metrics"
	"rmqsim/scenarios"
	"rmqsim/shard"
)

// Options are the inputs of a check besides the space.
type Options struct {
	// Depth overrides the space's depth when ≥ 0 (`-depth`).
	Depth int
	// Workers runs that many schedules at once (≥ 1); the output does not
	// depend on it.
	Workers int
	// Shard is the part of the job list to run (shard.Whole: all).
	Shard shard.Spec
	// NoSymmetry runs every schedule, not one per class of renamings.
	NoSymmetry bool
	// AfterRun, if set, sees each run's result before the properties are
	// read, and may change it. It is a test hook: tests plant bugs with
	// it (a message dropped on one fault combination); nothing else sets
	// it.
	AfterRun func(*scenarios.Result)
}

// Doc is space.json: the space as checked (moments resolved), the plan's
// pairs and counts, everything Finish needs besides runs.jsonl.
type Doc struct {
	Kind  string `json:"kind"`
	Space *Space `json:"space"`
	// Moments are the `at` text each moment was applied at (anchored
	// moments resolved in the fault-free run).
	Moments []string `json:"moments"`
	Hosts   []string `json:"hosts"`
	Depth   int      `json:"depth"`
	// Symmetry is whether schedules were reduced to one per class of
	// renamings; Renames the host renamings of the group (identity first).
	Symmetry bool                `json:"symmetry"`
	Renames  []map[string]string `json:"renames"`
	Pairs    []Pair              `json:"pairs"`
	// Raw[k] and Canonical[k]: the schedules of k faults in the space,
	// and the jobs (canonical schedules) among them.
	Raw       []int64 `json:"raw"`
	Canonical []int   `json:"canonical"`
	Jobs      int     `json:"jobs"`
}

// Output is what a check (or one shard of it) produced.
type Output struct {
	// Doc is space.json's bytes; its hash is the job list's fingerprint.
	Doc      []byte
	Lines    [][]byte
	Manifest shard.Manifest
}

type failure struct {
	run   int
	orbit [][]int
}

type checker struct {
	s        *Space
	plan     *Plan
	b        *builder
	opts     Options
	resolved []string
	fails    [][]failure // per property, in run order
	needMet  bool
}

// Check runs the space: the fault-free schedule first (it resolves the
// anchored moments), then every level of schedules in order of size,
// each failure pruning its supersets for its property. With a shard, the
// levels below the last run whole (their failures prune the last) and
// only the shard's lines are kept: each line is the same as in the
// unsharded check.
func Check(ctx context.Context, s *Space, opts Options) (*Output, error) {
	depth := s.Depth
	if opts.Depth >= 0 {
		depth = opts.Depth
	}
	if opts.Shard.Of == 0 {
		opts.Shard = shard.Whole
	}
	plan, err := NewPlan(s, depth, !opts.NoSymmetry)
	if err != nil {
		return nil, err
	}
	c := &checker{s: s, plan: plan, opts: opts, fails: make([][]failure, len(s.Properties))}
	for _, p := range s.Properties {
		c.needMet = c.needMet || p.Metric != ""
	}
	hosts := clusterHosts(s.base)
	at := make([]string, len(s.Moments))
	for i, m := range s.Moments {
		at[i] = m.At
	}
	// The fault-free run: level 0, and the history anchors are read from.
	b0, err := newBuilder(s.Name, s.Base, hosts, s.Letters, at, plan.Pairs)
	if err != nil {
		return nil, err
	}
	res0, err := c.runText(b0.yaml(s.Name+"-fault-free", nil, nil, ""))
	if err != nil {
		return nil, err
	}
	if c.resolved, err = resolveMoments(s, res0.History); err != nil {
		return nil, err
	}
	if c.b, err = newBuilder(s.Name, s.Base, hosts, s.Letters, c.resolved, plan.Pairs); err != nil {
		return nil, err
	}
	if err := c.probe(); err != nil {
		return nil, err
	}
	doc, err := c.doc(hosts)
	if err != nil {
		return nil, err
	}
	out := &Output{Doc: doc}
	offset := 0
	for k, level := range plan.Levels {
		if err := c.level(ctx, k, level, offset, res0, out); err != nil {
			return nil, err
		}
		offset += len(level)
	}
	out.Manifest = shard.Manifest{Kind: "check", Fingerprint: shard.Fingerprint(doc), Shard: opts.Shard.Index,
		Of: opts.Shard.Of, Jobs: plan.Jobs(), Done: len(out.Lines)}
	return out, nil
}

// level runs one level's jobs on the workers and then records its
// failures in job order, so that what prunes the next level does not
// depend on which worker finished first.
func (c *checker) level(ctx context.Context, k int, level []Schedule, offset int, res0 *scenarios.Result, out *Output) error {
	last := k == c.plan.Depth()
	var todo []int
	for j := range level {
		if !last || c.opts.Shard.Owns(offset+j) {
			todo = append(todo, j)
		}
	}
	lines := make([]*Line, len(level))
	job := func(t int) ([]byte, error) {
		j := todo[t]
		var r0 *scenarios.Result
		if k == 0 {
			r0 = res0
		}
		l, err := c.job(offset+j, level[j], c.plan.Orbits[k][j], r0)
		if err != nil {
			return nil, err
		}
		lines[j] = l
		return json.Marshal(l)
	}
	emit := func(t int, b []byte) error {
		if c.opts.Shard.Owns(offset + todo[t]) {
			out.Lines = append(out.Lines, b)
		}
		return nil
	}
	if _, err := shard.Each(ctx, len(todo), shard.Whole, max(1, c.opts.Workers), job, emit, nil); err != nil {
		return err
	}
	for _, j := range todo {
		for pi, p := range lines[j].Properties {
			if p.Status == StatusFail {
				c.fails[pi] = append(c.fails[pi], failure{run: offset + j, orbit: c.plan.orbit(level[j])})
			}
		}
	}
	return nil
}

// job is one schedule's line: covered properties are not judged; if
// every property is covered the schedule is not run at all.
func (c *checker) job(run int, sc Schedule, class int, res0 *scenarios.Result) (*Line, error) {
	l := &Line{Run: run, Size: len(sc), Pairs: slices.Clone(sc), Class: class}
	if l.Pairs == nil {
		l.Pairs = []int{}
	}
	for _, i := range sc {
		l.Schedule = append(l.Schedule, c.b.describe(i, c.momentNames()))
	}
	open := false
	for pi, p := range c.s.Properties {
		pl := PropLine{Name: p.Name, Status: StatusCovered}
		if by, ok := c.coveredBy(pi, sc); ok {
			pl.CoveredBy = &by
		} else {
			open = true
		}
		l.Properties = append(l.Properties, pl)
	}
	if !open {
		return l, nil
	}
	res := res0
	if res == nil {
		var err error
		if res, err = c.runText(c.b.yaml(fmt.Sprintf("%s-run-%d", c.s.Name, run), sc, nil, "")); err != nil {
			return nil, err
		}
	}
	if c.opts.AfterRun != nil {
		c.opts.AfterRun(res)
	}
	l.Ran, l.Outcome, l.Events, l.TraceHash = true, res.Outcome, res.Events, res.TraceHash
	msgs := res.Messages
	l.Messages = &msgs
	var ms metrics.Set
	if c.needMet {
		ms = metrics.Of(res)
	}
	for pi := range l.Properties {
		if l.Properties[pi].CoveredBy == nil {
			l.Properties[pi] = judge(&c.s.Properties[pi], res, ms)
		}
	}
	return l, nil
}

// judge reads one property from a run.
func judge(p *Property, res *scenarios.Result, ms metrics.Set) PropLine {
	pl := PropLine{Name: p.Name, Status: StatusUnknown}
	if p.Verdict != "" {
		pl.Value = res.Verdicts[p.Verdict]
		switch pl.Value {
		case "pass":
			pl.Status = StatusPass
		case "fail":
			pl.Status = StatusFail
			if len(p.Causes) > 0 {
				pl.Value = "fail, causes: " + strings.Join(violationCauses(res, p.Verdict), ", ")
				if !hasCause(res, p) {
					pl.Status = StatusPass
				}
			}
		case "":
			pl.Value = "unknown"
		}
	} else {
		v, ok := ms[p.Metric]
		b, _ := json.Marshal(v)
		pl.Value = string(b)
		if !ok {
			pl.Value = "absent"
		} else if fails, decided := p.pred.fails(v); decided && res.Outcome != "budget-exhausted" {
			pl.Status = StatusPass
			if fails {
				pl.Status = StatusFail
			}
		}
	}
	if pl.Status == StatusFail {
		pl.Explanation = explanation(p, res.Explanation)
	}
	return pl
}

// violationCauses lists the distinct causes of the verdict's failures.
func violationCauses(res *scenarios.Result, verdict string) []string {
	var out []string
	for _, v := range res.Judgement.Violations {
		if string(v.Property) == verdict && !slices.Contains(out, string(v.Cause)) {
			out = append(out, string(v.Cause))
		}
	}
	slices.Sort(out)
	return out
}

// hasCause reports a failure of the verdict with one of p's causes.
func hasCause(res *scenarios.Result, p *Property) bool {
	for _, c := range violationCauses(res, p.Verdict) {
		if slices.Contains(p.Causes, c) {
			return true
		}
	}
	return false
}

// explanation is the causes of the run and the chain of the first
// message whose fate is one of the property's (any fate but
// consumed-once if it names none).
func explanation(p *Property, e *explain.Explanation) string {
	var b bytes.Buffer
	for i := range e.Len() {
		m := e.At(i)
		if (len(p.Fates) == 0 && m.Fate != explain.ConsumedOnce) || slices.Contains(p.Fates, string(m.Fate)) {
			b.WriteString("First such message:\n")
			_ = explain.WriteText(&b, e, m.Key)
			break
		}
	}
	explain.WriteSummary(&b, e)
	return b.String()
}

// coveredBy finds the first minimal failure of property pi that sc
// contains up to renaming.
func (c *checker) coveredBy(pi int, sc Schedule) (int, bool) {
	for _, f := range c.fails[pi] {
		for _, im := range f.orbit {
			if isSubset(im, sc) {
				return f.run, true
			}
		}
	}
	return 0, false
}

// isSubset reports a ⊆ b for sorted a and b.
func isSubset(a, b []int) bool {
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			return false
		}
		j++
	}
	return true
}

func (c *checker) momentNames() []string {
	out := make([]string, len(c.s.Moments))
	for i, m := range c.s.Moments {
		out[i] = m.Name
	}
	return out
}

// runText parses a built scenario and runs it.
func (c *checker) runText(text []byte) (*scenarios.Result, error) {
	sc, err := scenarios.Parse(c.s.BaseFile, text)
	if err != nil {
		return nil, fmt.Errorf("%s: a built schedule does not parse (a bug of modelcheck):\n%v", c.s.Path, err)
	}
	return scenarios.Run(sc, scenarios.RunOptions{})
}

// probe builds one scenario holding every pair of the space and parses
// it, so that a moment or target the scenario format refuses is bad
// input found before any run, named by the space file's line.
func (c *checker) probe() error {
	all := make(Schedule, len(c.plan.Pairs))
	for i := range all {
		all[i] = i
	}
	_, err := scenarios.Parse(c.s.BaseFile, c.b.yaml(c.s.Name+"-probe", all, nil, ""))
	ps, ok := err.(scenarios.Problems)
	if !ok {
		return err
	}
	nBase := len(c.s.base.Faults)
	var out scenarios.Problems
	for _, p := range ps {
		var i int
		if _, e := fmt.Sscanf(p.Field, "faults[%d]", &i); e == nil && i >= nBase && i-nBase < len(all) {
			pr := c.plan.Pairs[i-nBase]
			m, l := c.s.Moments[pr.Moment], c.s.Letters[pr.Letter]
			_, rest, _ := strings.Cut(p.Field, "]")
			out = append(out, scenarios.Problem{File: c.s.Path, Line: m.line, Field: "moments." + m.Name,
				Msg: fmt.Sprintf("%s at this moment: %s%s: %s", l, "fault", rest, p.Msg)})
			continue
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b scenarios.Problem) int { return a.Line - b.Line })
	return slices.Compact(out)
}

// resolveMoments gives each moment its `at` text: as written, or the
// time of its anchor record in the fault-free history plus the offset.
func resolveMoments(s *Space, h *history.History) ([]string, error) {
	out := make([]string, len(s.Moments))
	var probs scenarios.Problems
	for i, m := range s.Moments {
		if m.At != "" {
			out[i] = m.At
			continue
		}
		n := 0
		for _, r := range h.All() {
			if string(r.Kind) == m.Anchor && strings.Contains(r.Proc, m.Proc) {
				if n++; n == m.Nth {
					out[i] = (r.At + m.Offset).String()
					break
				}
			}
		}
		if out[i] == "" {
			probs = append(probs, scenarios.Problem{File: s.Path, Line: m.line, Field: "moments." + m.Name,
				Msg: fmt.Sprintf("the fault-free run has %d %s record(s) from a process matching %q, not %d", n, m.Anchor, m.Proc, m.Nth)})
		}
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return out, nil
}

// clusterHosts lists the base's hosts: nameservers, masters, slaves,
// clients.
func clusterHosts(sc *scenarios.Scenario) []string {
	c := sc.Cluster
	var out []string
	for _, n := range c.NameServers {
		out = append(out, n.Host)
	}
	for _, b := range c.Brokers {
		out = append(out, b.Master.Host)
	}
	for _, b := range c.Brokers {
		if b.Slave != nil {
			out = append(out, b.Slave.Host)
		}
	}
	for _, n := range c.Clients {
		out = append(out, n.Host)
	}
	return out
}

func (c *checker) doc(hosts []string) ([]byte, error) {
	g, err := newGroup(c.s)
	if err != nil {
		return nil, err
	}
	d := Doc{Kind: "check", Space: c.s, Moments: c.resolved, Hosts: hosts, Depth: c.plan.Depth(),
		Symmetry: !c.opts.NoSymmetry, Renames: g.renames, Pairs: c.plan.Pairs, Raw: c.plan.Raw, Jobs: c.plan.Jobs()}
	if c.opts.NoSymmetry {
		d.Renames = d.Renames[:1]
	}
	for _, l := range c.plan.Levels {
		d.Canonical = append(d.Canonical, len(l))
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
