package check

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"rmqsim/history"
)

// LinearOptions configures the linearizability check.
type LinearOptions struct {
	// Timeout bounds the search of each partition (wall clock: the only
	// use of it in this package). Required; a partition that runs out
	// is unknown, never a pass.
	Timeout time.Duration `json:"timeout" yaml:"timeout"`
	// VisualizePath is where porcupine's HTML goes when some partition is
	// illegal, with the Fault records as annotations. Empty: none.
	VisualizePath string `json:"visualize_path,omitempty" yaml:"visualize_path,omitempty"`
}

// PartitionResult is the verdict on one partition: a queue log ("log",
// named topic/broker/queue) or a committed offset ("offset", named
// group@topic/broker/queue).
type PartitionResult struct {
	Kind   string  `json:"kind"`
	Name   string  `json:"name"`
	Ops    int     `json:"ops"`
	Result Verdict `json:"result"`
}

// LinearResult is the linearizability judge's raw result.
type LinearResult struct {
	Outcomes      []Outcome // LinearQueues, LinearOffsets
	Partitions    []PartitionResult
	Visualization string // the HTML written, if any
}

// CheckLinearizability checks each queue log and each committed offset
// with porcupine, partition by partition. An error means bad input (or
// the visualisation could not be written; the result is then complete
// but for Visualization).
func CheckLinearizability(h *history.History, opt LinearOptions) (LinearResult, error) {
	if err := validate(h); err != nil {
		return LinearResult{}, err
	}
	return checkLinearizability(h, opt)
}

// checkLinearizability is CheckLinearizability on a validated history.
func checkLinearizability(h *history.History, opt LinearOptions) (LinearResult, error) {
	if opt.Timeout <= 0 {
		return LinearResult{}, fmt.Errorf("check: linearizability needs a timeout > 0, got %v", opt.Timeout)
	}
	parts := buildOps(h, true)
	var full []*part // every operation, built only to explain an illegal register
	single := model(1)
	single.Partition = nil
	res := LinearResult{Partitions: make([]PartitionResult, 0, len(parts))}
	outs := map[string]*Outcome{"log": {Property: LinearQueues}, "offset": {Property: LinearOffsets}}
	timedOut := map[string][]string{}
	var illegal []*part
	for _, p := range parts {
		v := Pass
		switch checkPartition(single, p, opt.Timeout) {
		case porcupine.Unknown:
			v = Unknown
			outs[p.kind].Undecided = true
			timedOut[p.kind] = append(timedOut[p.kind], p.name)
		case porcupine.Illegal:
			v = Fail
			if p.unread > 0 {
				if full == nil {
					full = buildOps(h, false)
				}
				p = fullPart(full, p)
			}
			outs[p.kind].Violations = append(outs[p.kind].Violations, explain(single, p, opt.Timeout))
			illegal = append(illegal, p)
		}
		res.Partitions = append(res.Partitions, PartitionResult{Kind: p.kind, Name: p.name, Ops: p.size(), Result: v})
	}
	for _, kind := range []string{"log", "offset"} {
		o := outs[kind]
		n := 0
		for _, p := range parts {
			if p.kind == kind {
				n++
			}
		}
		o.Note = fmt.Sprintf("%d %s partitions", n, kind)
		if t := timedOut[kind]; len(t) > 0 {
			o.Note += fmt.Sprintf("; %d timed out after %v: %s", len(t), opt.Timeout, strings.Join(t, ", "))
		}
		res.Outcomes = append(res.Outcomes, *o)
	}
	if opt.VisualizePath == "" || len(illegal) == 0 {
		return res, nil
	}
	path, err := visualize(h, illegal, opt)
	res.Visualization = path
	return res, err
}

// fullPart is p's partition among full, the same partitions with every
// operation kept.
func fullPart(full []*part, p *part) *part {
	for _, f := range full {
		if f.kind == p.kind && f.name == p.name {
			return f
		}
	}
	panic(fmt.Sprintf("check: partition %s %s missing from the full build", p.kind, p.name))
}

// explain turns an illegal partition into a violation: the classified
// cause, and the operation the longest linearizable prefix cannot take.
func explain(m porcupine.Model, p *part, timeout time.Duration) Violation {
	prop, spec := LinearQueues, "append-only log"
	if p.kind == "offset" {
		prop, spec = LinearOffsets, "register"
	}
	v := Violation{Property: prop, Queue: p.name, Cause: CauseUnknown, Seqs: []int64{}}
	reason := fmt.Sprintf("the %d operations on %s fit no %s", len(p.ops), p.name, spec)
	if res, info := porcupine.CheckOperationsVerbose(m, p.ops, timeout); res == porcupine.Illegal {
		if op, n, ok := culprit(p.ops, info); ok {
			meta := op.Metadata.(*opMeta)
			reason += fmt.Sprintf("; after %d operations none can be followed by %s (%s)", n, describeOp(op.Input, op.Output), meta)
			v.Seqs = append(v.Seqs, meta.seqs...)
		}
	}
	if p.slave > 0 {
		v.Cause = CauseSlaveRead
		reason += fmt.Sprintf("; operations served by a slave address: %d", p.slave)
		for _, op := range p.ops {
			if m := op.Metadata.(*opMeta); m.slave {
				v.Seqs = append(v.Seqs, m.seqs...)
			}
		}
	} else if p.restarted {
		v.Cause = CauseBrokerRestart
		reason += fmt.Sprintf("; broker %s restarted, losing recent commits", p.q.broker)
	}
	v.Seqs = seqs(v.Seqs...)
	v.Reason = reason
	return v
}

// culprit finds, deterministically, the first operation (by call, then
// position) missing from a longest partial linearization, taking the
// earliest over all longest ones, since porcupine returns them in map
// order. n is the prefix length.
func culprit(ops []porcupine.Operation, info porcupine.LinearizationInfo) (porcupine.Operation, int, bool) {
	all := info.PartialLinearizations()
	if len(all) != 1 || len(ops) == 0 {
		return porcupine.Operation{}, 0, false
	}
	if len(all[0]) == 0 {
		all[0] = [][]int{{}} // not even one operation linearizes
	}
	longest := 0
	for _, lin := range all[0] {
		longest = max(longest, len(lin))
	}
	order := make([]int, len(ops))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ops[a].Call, ops[b].Call) })
	best := -1
	for _, lin := range all[0] {
		if len(lin) != longest {
			continue
		}
		in := make(map[int]bool, len(lin))
		for _, id := range lin {
			in[id] = true
		}
		for rank, id := range order {
			if !in[id] {
				if best < 0 || rank < best {
					best = rank
				}
				break
			}
		}
	}
	if best < 0 {
		return porcupine.Operation{}, 0, false
	}
	return ops[order[best]], longest, true
}

// visualize re-checks the illegal partitions together, verbosely, and
// writes porcupine's HTML with the faults as annotations. A run that
// times out is never visualised (its partial linearizations may be
// incomplete).
func visualize(h *history.History, illegal []*part, opt LinearOptions) (string, error) {
	var ops []porcupine.Operation
	procs := map[string]int{}
	for i, p := range illegal {
		for _, op := range p.ops {
			m := *op.Metadata.(*opMeta) // a copy: the partitions keep their numbers
			m.part = i
			op.Metadata = &m
			ops = append(ops, op)
			procs[m.proc] = 0
		}
	}
	names := make([]string, 0, len(procs))
	for p := range procs {
		names = append(names, p)
	}
	slices.Sort(names)
	for i, p := range names {
		procs[p] = i
	}
	for i := range ops {
		ops[i].ClientId = procs[ops[i].Metadata.(*opMeta).proc]
	}
	m := model(len(illegal))
	res, info := porcupine.CheckOperationsVerbose(m, ops, opt.Timeout)
	if res != porcupine.Illegal {
		return "", nil
	}
	info.AddAnnotations(annotations(h, newStamper(h)))
	if err := porcupine.VisualizePath(m, info, opt.VisualizePath); err != nil {
		return "", fmt.Errorf("check: writing the linearizability visualisation: %w", err)
	}
	return opt.VisualizePath, nil
}

// annotations draws each fault as a span on its target's row, from the
// fault to the heal that ends it (or to the end), heals without an open
// fault as points, and scenario steps on a "steps" row.
func annotations(h *history.History, st stamper) []porcupine.Annotation {
	type open struct {
		r     history.Record
		start int64
	}
	opened := map[string]open{}
	var out []porcupine.Annotation
	span := func(t string, o open, end int64, how string) {
		out = append(out, porcupine.Annotation{Tag: "fault " + t, Start: o.start, End: end,
			Description: o.r.Detail + " " + t, BackgroundColor: "#f4cccc",
			Details: fmt.Sprintf("#%d at %v; %s", o.r.Seq, o.r.At, how)})
	}
	for _, rec := range h.All() {
		r := &rec
		switch {
		case r.Kind == history.Step:
			out = append(out, porcupine.Annotation{Tag: "steps", Start: st.at(r.Seq), Description: r.Detail,
				Details: fmt.Sprintf("#%d at %v", r.Seq, r.At), BackgroundColor: "#cfe2f3"})
		case r.Kind == history.Fault && !isHeal(r.Detail):
			if o, ok := opened[r.Target]; ok {
				span(r.Target, o, st.at(r.Seq), "superseded")
			}
			opened[r.Target] = open{*r, st.at(r.Seq)}
		case r.Kind == history.Fault:
			healed := false
			for _, t := range slices.Sorted(maps.Keys(opened)) {
				o := opened[t]
				partition := strings.HasPrefix(o.r.Detail, "partition") || strings.HasPrefix(o.r.Detail, "block")
				if t == r.Target || onTarget(r.Target, t) || (partition && (r.Target == "network" || r.Target == "")) {
					span(t, o, st.at(r.Seq), fmt.Sprintf("ended by %s #%d at %v", r.Detail, r.Seq, r.At))
					delete(opened, t)
					healed = true
				}
			}
			if !healed {
				out = append(out, porcupine.Annotation{Tag: "fault " + r.Target, Start: st.at(r.Seq),
					Description: r.Detail + " " + r.Target, BackgroundColor: "#d9ead3",
					Details: fmt.Sprintf("#%d at %v", r.Seq, r.At)})
			}
		}
	}
	for _, t := range slices.Sorted(maps.Keys(opened)) {
		span(t, opened[t], st.infinity, "never healed")
	}
	return out
}
