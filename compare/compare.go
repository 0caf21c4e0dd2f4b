package compare

import (
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strings"

	"rmqsim/explain"
	"rmqsim/metrics"
	"rmqsim/scenarios"
	"rmqsim/shard"
	"rmqsim/stats"
	"rmqsim/sweep"
)

// Side is one arm: settings applied on top of the variant (variant=X
// switches it; without=FAULT drops a fault; other keys are parameters
// or scenario knobs).
type Side struct {
	Label    string          `json:"label"`
	Settings []sweep.Setting `json:"settings"`
}

// ParseSide reads "key=v,key=v" ("" for none).
func ParseSide(label, s string) (Side, error) {
	side := Side{Label: label}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return Side{}, fmt.Errorf("-%s %q: want key=value,... (e.g. producer.sendMsgTimeout=1s,without=ns-down)", label, s)
		}
		st := sweep.Setting{Key: k, Value: v}
		if err := sweep.CheckSetting(st); err != nil {
			return Side{}, fmt.Errorf("-%s: %w", label, err)
		}
		side.Settings = append(side.Settings, st)
	}
	return side, nil
}

// Transition is how many messages had fate A under A and fate B under B.
type Transition struct {
	A     string `json:"a"`
	B     string `json:"b"`
	Count int    `json:"count"`
}

// Changed is one message whose fate differs between the sides.
type Changed struct {
	Seed   uint64   `json:"seed"`
	Key    string   `json:"key"`
	AFate  string   `json:"a_fate"`
	BFate  string   `json:"b_fate"`
	ACause string   `json:"a_cause"`
	BCause string   `json:"b_cause"`
	AChain []string `json:"a_chain"`
	BChain []string `json:"b_chain"`
	// Diverge is the index of the first chain step that differs.
	Diverge int `json:"diverge"`
}

// MetricDiff is one metric compared on the paired seeds.
type MetricDiff struct {
	Metric string `json:"metric"`
	Kind   string `json:"kind"`
	// For a rate: A's and B's rates and McNemar's exact test.
	A       *stats.Rate          `json:"a_rate,omitempty"`
	B       *stats.Rate          `json:"b_rate,omitempty"`
	McNemar *stats.McNemarResult `json:"mcnemar,omitempty"`
	// For a distribution: each side's and the paired difference B − A
	// over the seeds where both are defined.
	ADist *stats.Dist `json:"a_distribution,omitempty"`
	BDist *stats.Dist `json:"b_distribution,omitempty"`
	Diff  *stats.Diff `json:"diff,omitempty"`
}

// Pair is one seed's two runs.
type Pair struct {
	Seed       uint64 `json:"seed"`
	ATraceHash string `json:"a_trace_hash"`
	BTraceHash string `json:"b_trace_hash"`
	AOutcome   string `json:"a_outcome"`
	BOutcome   string `json:"b_outcome"`
	Changed    int    `json:"changed"`
}

// Result is the whole comparison; -json prints it.
type Result struct {
	Scenario    string       `json:"scenario"`
	Variant     string       `json:"variant"`
	Seeds       sweep.Seeds  `json:"seeds"`
	A           Side         `json:"a"`
	B           Side         `json:"b"`
	Messages    int          `json:"messages"`
	Transitions []Transition `json:"transitions"`
	Changed     []Changed    `json:"changed"`
	Metrics     []MetricDiff `json:"metrics"`
	Pairs       []Pair       `json:"pairs"`
}

// Options are the runs' shared inputs.
type Options struct {
	Variant string
	Seeds   sweep.Seeds
	Workers int
}

type arm struct {
	spec *scenarios.Scenario
	sets []string
}

type outcome struct {
	a, b *scenarios.Result
	ma   metrics.Set
	mb   metrics.Set
}

// absent is the fate of a message one side never intended.
const absent = "absent"

// Run runs both sides on every seed and compares them.
func Run(ctx context.Context, sc *scenarios.Scenario, a, b Side, opts Options) (*Result, error) {
	arms := make([]arm, 2)
	for i, s := range []Side{a, b} {
		spec, sets, err := sweep.Apply(sc, opts.Variant, s.Settings)
		if err != nil {
			return nil, fmt.Errorf("-%s: %w", s.Label, err)
		}
		arms[i] = arm{spec, sets}
	}
	n := opts.Seeds.Count()
	outs := make([]outcome, n)
	job := func(i int) ([]byte, error) {
		seed := opts.Seeds.From + uint64(i)
		var rs [2]*scenarios.Result
		for j, ar := range arms {
			r, err := scenarios.Run(ar.spec, scenarios.RunOptions{Seed: seed, Overrides: ar.sets})
			if err != nil {
				return nil, err
			}
			rs[j] = r
		}
		outs[i] = outcome{a: rs[0], b: rs[1], ma: metrics.Of(rs[0]), mb: metrics.Of(rs[1])}
		// The results are kept; the explanations are what the pairs
		// need, the histories are not.
		rs[0].History, rs[1].History = nil, nil
		return []byte{}, nil
	}
	if _, err := shard.Each(ctx, n, shard.Whole, max(1, opts.Workers), job, func(int, []byte) error { return nil }, nil); err != nil {
		return nil, err
	}
	res := &Result{Scenario: sc.Name, Variant: opts.Variant, Seeds: opts.Seeds, A: a, B: b}
	trans := map[[2]string]int{}
	for i, o := range outs {
		p := Pair{Seed: opts.Seeds.From + uint64(i), ATraceHash: o.a.TraceHash, BTraceHash: o.b.TraceHash, AOutcome: o.a.Outcome, BOutcome: o.b.Outcome}
		fa, fb := fates(o.a.Explanation), fates(o.b.Explanation)
		keys := slices.Sorted(maps.Keys(union(fa, fb)))
		slices.SortStableFunc(keys, func(x, y string) int { return order(fa, fb, x) - order(fa, fb, y) })
		for _, k := range keys {
			ma, mb := fa[k], fb[k]
			af, bf := fateOf(ma), fateOf(mb)
			trans[[2]string{af, bf}]++
			res.Messages++
			if af == bf {
				continue
			}
			p.Changed++
			c := Changed{Seed: p.Seed, Key: k, AFate: af, BFate: bf}
			if ma != nil {
				c.ACause, c.AChain = ma.Cause, ma.Chain.Lines()
			}
			if mb != nil {
				c.BCause, c.BChain = mb.Cause, mb.Chain.Lines()
			}
			c.Diverge = diverge(c.AChain, c.BChain)
			res.Changed = append(res.Changed, c)
		}
		res.Pairs = append(res.Pairs, p)
	}
	for _, k := range slices.SortedFunc(maps.Keys(trans), func(x, y [2]string) int {
		if c := strings.Compare(x[0], y[0]); c != 0 {
			return c
		}
		return strings.Compare(x[1], y[1])
	}) {
		res.Transitions = append(res.Transitions, Transition{A: k[0], B: k[1], Count: trans[k]})
	}
	res.Metrics = metricDiffs(outs)
	return res, nil
}

func fates(e *explain.Explanation) map[string]*explain.MessageFate {
	out := map[string]*explain.MessageFate{}
	if e == nil {
		return out
	}
	for i := range e.Len() {
		m := e.At(i)
		out[m.Key] = &m
	}
	return out
}

func union(a, b map[string]*explain.MessageFate) map[string]bool {
	u := map[string]bool{}
	for k := range a {
		u[k] = true
	}
	for k := range b {
		u[k] = true
	}
	return u
}

// order sorts messages by their index in the program (A's, else B's),
// so changed messages are listed as they were sent.
func order(a, b map[string]*explain.MessageFate, k string) int {
	if m := a[k]; m != nil {
		return m.Index
	}
	return b[k].Index
}

func fateOf(m *explain.MessageFate) string {
	if m == nil {
		return absent
	}
	return string(m.Fate)
}

// diverge is the first index where the chains differ.
func diverge(a, b []string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

func metricDiffs(outs []outcome) []MetricDiff {
	names := map[string]bool{}
	for _, o := range outs {
		for k := range o.ma {
			names[k] = true
		}
		for k := range o.mb {
			names[k] = true
		}
	}
	list := slices.Collect(maps.Keys(names))
	slices.SortFunc(list, func(x, y string) int {
		if ix, iy := metrics.Index(x), metrics.Index(y); ix != iy {
			return ix - iy
		}
		return strings.Compare(x, y)
	})
	var out []MetricDiff
	for _, name := range list {
		def, ok := metrics.Lookup(name)
		if !ok {
			continue
		}
		md := MetricDiff{Metric: name, Kind: string(def.Kind)}
		if def.Kind == metrics.Rate {
			var av, bv []bool
			for _, o := range outs {
				x, okx := o.ma[name]
				y, oky := o.mb[name]
				if okx && oky && x.Defined && y.Defined {
					av, bv = append(av, x.Yes), append(bv, y.Yes)
				}
			}
			m := stats.McNemar(av, bv)
			ra, rb := stats.Wilson(m.Both+m.OnlyA, len(av)), stats.Wilson(m.Both+m.OnlyB, len(bv))
			md.A, md.B, md.McNemar = &ra, &rb, &m
		} else {
			var av, bv, pa, pb []float64
			for _, o := range outs {
				x, okx := o.ma[name]
				y, oky := o.mb[name]
				if okx && x.Defined {
					av = append(av, x.X)
				}
				if oky && y.Defined {
					bv = append(bv, y.X)
				}
				if okx && oky && x.Defined && y.Defined {
					pa, pb = append(pa, x.X), append(pb, y.X)
				}
			}
			seed := seedOf(name)
			da, db := stats.Describe(av, len(outs)-len(av), seed), stats.Describe(bv, len(outs)-len(bv), seed+1)
			d := stats.PairedDiff(pa, pb, seed+2)
			md.ADist, md.BDist, md.Diff = &da, &db, &d
		}
		out = append(out, md)
	}
	return out
}

func seedOf(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
