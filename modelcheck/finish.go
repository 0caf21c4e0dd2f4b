package modelcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"rmqsim/scenarios"
	"rmqsim/shard"
)

// The files of a check folder.
const (
	DocFile     = "space.json"
	RunsFile    = "runs.jsonl"
	SummaryFile = "summary.json"
	ReportFile  = "REPORT.md"
	FailuresDir = "failures"
)

// Summary is summary.json: the space's size, what was run and pruned
// and why, each property's claim and minimal failures, and the coverage
// of moments × kinds. Finish derives it from space.json and runs.jsonl
// alone.
type Summary struct {
	Space       string      `json:"space"`
	Description string      `json:"description"`
	Depth       int         `json:"depth"`
	Symmetry    []string    `json:"symmetry"`
	Schedules   Counts      `json:"schedules"`
	Properties  []PropClaim `json:"properties"`
	// Coverage[m][kind] counts the runs with a fault of that kind at
	// moment m (absent: the alphabet has no such fault there).
	Coverage []MomentCoverage `json:"coverage"`
}

// Counts says how big the space is and what became of its schedules.
type Counts struct {
	// Space is every schedule of ≤ depth faults; ByLevel per size.
	Space   int64   `json:"space"`
	ByLevel []int64 `json:"by_level"`
	// Canonical are the jobs, one per class of renamings; the rest of
	// the space was pruned by symmetry.
	Canonical        int   `json:"canonical"`
	CanonicalByLevel []int `json:"canonical_by_level"`
	PrunedBySymmetry int64 `json:"pruned_by_symmetry"`
	// Run were simulated; PrunedByFailure were not, because every
	// property already failed on a smaller schedule they contain.
	Run             int `json:"run"`
	PrunedByFailure int `json:"pruned_by_failure"`
	BudgetExhausted int `json:"budget_exhausted"`
}

// PropClaim is one property's result over the space.
type PropClaim struct {
	Name   string `json:"name"`
	Says   string `json:"says"`
	Expect string `json:"expect"`
	// Claim is held, fails or unknown; Statement the claim in words, the
	// most a report may say.
	Claim      string `json:"claim"`
	ExpectHeld bool   `json:"expect_held"`
	Statement  string `json:"statement"`
	// Judged, Covered and Undecided count the canonical schedules on
	// which it was judged, skipped as supersets of a failure, or left
	// unknown.
	Judged    int       `json:"judged"`
	Covered   int       `json:"covered"`
	Undecided int       `json:"undecided"`
	Failures  []Failure `json:"failures"`
}

// Failure is one minimal failing schedule.
type Failure struct {
	Run      int      `json:"run"`
	Schedule []string `json:"schedule"`
	// Class is how many schedules of the space it stands for (renamings).
	Class int    `json:"class"`
	File  string `json:"file"`
	Cause string `json:"cause"`
}

// MomentCoverage is one moment's row of the coverage table.
type MomentCoverage struct {
	Moment string         `json:"moment"`
	At     string         `json:"at"`
	Kinds  map[string]int `json:"kinds"`
}

// Write writes a check's (or shard's) folder: space.json, runs.jsonl,
// shard.json, and, for a whole check, what Finish derives.
func Write(dir string, out *Output) (*Summary, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, DocFile), out.Doc, 0o644); err != nil {
		return nil, err
	}
	var b []byte
	for _, l := range out.Lines {
		b = append(append(b, l...), '\n')
	}
	if err := os.WriteFile(filepath.Join(dir, RunsFile), b, 0o644); err != nil {
		return nil, err
	}
	if err := shard.WriteManifest(dir, out.Manifest); err != nil {
		return nil, err
	}
	if out.Manifest.Of > 1 {
		return nil, nil
	}
	return Finish(dir)
}

// Merge joins the shard folders dirs of one check into dir, byte for
// byte what the unsharded check writes.
func Merge(dir string, dirs []string) (*Summary, error) {
	m, lines, err := shard.Merge("check", RunsFile, dirs)
	if err != nil {
		return nil, err
	}
	doc, err := os.ReadFile(filepath.Join(dirs[0], DocFile))
	if err != nil {
		return nil, err
	}
	if shard.Fingerprint(doc) != m.Fingerprint {
		return nil, fmt.Errorf("merge: %s does not match its shard.json (fingerprint)", filepath.Join(dirs[0], DocFile))
	}
	out := &Output{Doc: doc, Manifest: m}
	for _, l := range lines {
		out.Lines = append(out.Lines, l.Data)
	}
	return Write(dir, out)
}

// Finish reads dir's space.json and runs.jsonl and writes summary.json,
// REPORT.md and failures/: one replayable scenario per minimal failure.
func Finish(dir string) (*Summary, error) {
	raw, err := os.ReadFile(filepath.Join(dir, DocFile))
	if err != nil {
		return nil, err
	}
	var d Doc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, DocFile), err)
	}
	sl, err := shard.ReadLines(filepath.Join(dir, RunsFile))
	if err != nil {
		return nil, err
	}
	lines := make([]Line, len(sl))
	for i, l := range sl {
		if err := json.Unmarshal(l.Data, &lines[i]); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", filepath.Join(dir, RunsFile), i+1, err)
		}
	}
	if len(lines) != d.Jobs {
		return nil, fmt.Errorf("%s: %d runs of %d: not a whole check (merge the shards first)", dir, len(lines), d.Jobs)
	}
	b, err := newBuilder(d.Space.Name, d.Space.Base, d.Hosts, d.Space.Letters, d.Moments, d.Pairs)
	if err != nil {
		return nil, err
	}
	sum := summarise(&d, lines)
	if err := os.RemoveAll(filepath.Join(dir, FailuresDir)); err != nil {
		return nil, err
	}
	for pi := range sum.Properties {
		pc := &sum.Properties[pi]
		for fi := range pc.Failures {
			f := &pc.Failures[fi]
			if err := writeFailure(dir, &d, b, pc, f, &lines[f.Run]); err != nil {
				return nil, err
			}
		}
	}
	js, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, SummaryFile), append(js, '\n'), 0o644); err != nil {
		return nil, err
	}
	return sum, os.WriteFile(filepath.Join(dir, ReportFile), []byte(report(&d, sum)), 0o644)
}

func summarise(d *Doc, lines []Line) *Summary {
	sum := &Summary{Space: d.Space.Name, Description: d.Space.Description, Depth: d.Depth, Symmetry: d.Space.Symmetry}
	if !d.Symmetry {
		sum.Symmetry = []string{}
	}
	c := &sum.Schedules
	c.ByLevel, c.CanonicalByLevel = d.Raw, d.Canonical
	for k := range d.Raw {
		c.Space += d.Raw[k]
		c.Canonical += d.Canonical[k]
	}
	c.PrunedBySymmetry = c.Space - int64(c.Canonical)
	cov := make([]MomentCoverage, len(d.Space.Moments))
	for m, mo := range d.Space.Moments {
		cov[m] = MomentCoverage{Moment: mo.Name, At: d.Moments[m], Kinds: map[string]int{}}
	}
	for _, p := range d.Pairs {
		cov[p.Moment].Kinds[d.Space.Letters[p.Letter].Kind] = 0
	}
	for _, p := range d.Space.Properties {
		sum.Properties = append(sum.Properties, PropClaim{Name: p.Name, Says: p.Says, Expect: p.Expect, Failures: []Failure{}})
	}
	for _, l := range lines {
		if !l.Ran {
			c.PrunedByFailure++
		} else {
			c.Run++
			if l.Outcome == "budget-exhausted" {
				c.BudgetExhausted++
			}
			seen := map[[2]string]bool{}
			for _, i := range l.Pairs {
				p := d.Pairs[i]
				k := [2]string{d.Space.Moments[p.Moment].Name, d.Space.Letters[p.Letter].Kind}
				if !seen[k] {
					seen[k] = true
					cov[p.Moment].Kinds[k[1]]++
				}
			}
		}
		for pi, pl := range l.Properties {
			pc := &sum.Properties[pi]
			switch pl.Status {
			case StatusCovered:
				pc.Covered++
			case StatusUnknown:
				pc.Undecided++
			case StatusFail:
				pc.Judged++
				pc.Failures = append(pc.Failures, Failure{Run: l.Run, Schedule: l.Schedule, Class: l.Class,
					File: fmt.Sprintf("%s/%s-%02d.yaml", FailuresDir, pl.Name, len(pc.Failures)+1), Cause: firstCause(pl.Explanation, d.Space.Properties[pi].Fates)})
			default:
				pc.Judged++
			}
		}
	}
	sum.Coverage = cov
	for pi := range sum.Properties {
		claim(&sum.Properties[pi], sum)
	}
	return sum
}

// claim decides a property's claim and the words a report may use.
func claim(pc *PropClaim, sum *Summary) {
	c := sum.Schedules
	space := fmt.Sprintf("%d schedules of ≤ %d faults of this alphabet at these moments", c.Space, sum.Depth)
	reduced := ""
	if len(sum.Symmetry) > 0 {
		reduced = fmt.Sprintf(" (%d of them run, one per class of renamings of the %s, which the space declares interchangeable)",
			c.Canonical, strings.Join(sum.Symmetry, " and "))
	}
	switch {
	case len(pc.Failures) > 0:
		pc.Claim = Fails
		smallest := len(pc.Failures[0].Schedule)
		upTo := ""
		if len(sum.Symmetry) > 0 {
			upTo = " (up to renaming)"
		}
		pc.Statement = fmt.Sprintf("fails: %d minimal failing schedule(s), the smallest of %d fault(s); of the %s%s, every one that fails contains one of them%s",
			len(pc.Failures), smallest, space, reduced, upTo)
		if pc.Undecided > 0 {
			pc.Statement += fmt.Sprintf("; %d schedule(s) were undecided for it, so failures containing one of those may be missing", pc.Undecided)
		}
	case pc.Undecided > 0:
		pc.Claim = Unknown
		pc.Statement = fmt.Sprintf("unknown: no failure, but %d of the schedules were undecided for it (a run out of budget, or an undecided verdict or metric); not held", pc.Undecided)
	default:
		pc.Claim = Held
		pc.Statement = "held over all " + space + reduced
	}
	pc.ExpectHeld = pc.Claim == pc.Expect
}

// firstCause is the first grouped cause of an explanation whose fate
// is one of fates (any but consumed-once if fates is empty).
func firstCause(e string, fates []string) string {
	_, causes, ok := strings.Cut(e, "Causes:\n")
	if !ok {
		return ""
	}
	for _, line := range strings.Split(causes, "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		fate := strings.TrimSuffix(f[1], ":")
		if (len(fates) == 0 && fate != "consumed-once") || slices.Contains(fates, fate) {
			return strings.TrimSpace(line)
		}
	}
	return ""
}

func writeFailure(dir string, d *Doc, b *builder, pc *PropClaim, f *Failure, l *Line) error {
	var prop *Property
	for i := range d.Space.Properties {
		if d.Space.Properties[i].Name == pc.Name {
			prop = &d.Space.Properties[i]
		}
	}
	var expl string
	for _, p := range l.Properties {
		if p.Name == pc.Name {
			expl = p.Explanation
		}
	}
	var h strings.Builder
	fmt.Fprintf(&h, "%s: a minimal schedule that fails %s (%s).\n\n", d.Space.Name, pc.Name, pc.Says)
	fmt.Fprintf(&h, "Found by: simulate check over space %s (depth %d), run %d. The schedule (%d fault(s)):\n", d.Space.Name, d.Depth, l.Run, l.Size)
	for _, s := range l.Schedule {
		fmt.Fprintf(&h, "  %s\n", s)
	}
	fmt.Fprintf(&h, "No smaller schedule of the space that it contains fails %s", pc.Name)
	if f.Class > 1 {
		fmt.Fprintf(&h, "; it stands for %d schedules equal up to renaming (%s)", f.Class, strings.Join(d.Space.Symmetry, ", "))
	}
	h.WriteString(".\n")
	var expect map[string]string
	if prop.Verdict != "" {
		expect = map[string]string{prop.Verdict: "fail"}
		fmt.Fprintf(&h, "The judges' verdict on %s is fail (the expect: below).\n", prop.Verdict)
	} else {
		fmt.Fprintf(&h, "Metric %s fails when %s; this run gave %s (simulate run -json; metrics.Of).\n", prop.Metric, prop.FailWhen, valueOf(l, pc.Name))
	}
	fmt.Fprintf(&h, "\nWhy (package explain):\n%s\n", expl)
	fmt.Fprintf(&h, "Replay: go run ./cmd/simulate run <this file>; explain: go run ./cmd/simulate explain <this file>\n")
	name := strings.TrimSuffix(filepath.Base(f.File), ".yaml")
	text := b.yaml(d.Space.Name+"-"+name, l.Pairs, expect, h.String())
	if _, err := scenarios.Parse(f.File, text); err != nil {
		return fmt.Errorf("%s: %v", f.File, err)
	}
	p := filepath.Join(dir, f.File)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, text, 0o644)
}

func valueOf(l *Line, prop string) string {
	for _, p := range l.Properties {
		if p.Name == prop {
			return p.Value
		}
	}
	return ""
}

// report is REPORT.md: the claims first, then the catalogue of minimal
// failures, the counts, and the coverage.
func report(d *Doc, sum *Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Model check: %s\n\n", sum.Space)
	if sum.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", sum.Description)
	}
	c := sum.Schedules
	fmt.Fprintf(&b, "Base scenario `%s` (as the space file names it); %d moment(s), %d fault(s) in the alphabet, %d (moment, fault) pairs; depth %d.\n\n",
		d.Space.BaseRef, len(d.Space.Moments), len(d.Space.Letters), len(d.Pairs), sum.Depth)
	b.WriteString("## What held and what failed\n\n| property | says | claim | expected |\n|---|---|---|---|\n")
	for _, p := range sum.Properties {
		ok := "yes"
		if !p.ExpectHeld {
			ok = "**no**"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s (%s) |\n", p.Name, p.Says, p.Claim, p.Expect, ok)
	}
	b.WriteString("\n")
	for _, p := range sum.Properties {
		fmt.Fprintf(&b, "- **%s**: %s.\n", p.Name, p.Statement)
	}
	b.WriteString("\n## Minimal failing schedules\n\n")
	any := false
	for _, p := range sum.Properties {
		if len(p.Failures) == 0 {
			continue
		}
		any = true
		fmt.Fprintf(&b, "### %s (%d)\n\n| # | schedule | class | first cause | file |\n|---|---|---|---|---|\n", p.Name, len(p.Failures))
		for i, f := range p.Failures {
			fmt.Fprintf(&b, "| %d | %s | %d | %s | [%s](%s) |\n", i+1, strings.Join(f.Schedule, "; "), f.Class, mdEscape(f.Cause), f.File, f.File)
		}
		b.WriteString("\n")
	}
	if !any {
		b.WriteString("None.\n\n")
	}
	b.WriteString("## The space and what was run\n\n")
	fmt.Fprintf(&b, "| faults | schedules | canonical (run or pruned by failure) |\n|---|---|---|\n")
	for k := range c.ByLevel {
		fmt.Fprintf(&b, "| %d | %d | %d |\n", k, c.ByLevel[k], c.CanonicalByLevel[k])
	}
	fmt.Fprintf(&b, "| all | %d | %d |\n\n", c.Space, c.Canonical)
	fmt.Fprintf(&b, "- Pruned by symmetry: %d (renamings of a canonical schedule", c.PrunedBySymmetry)
	if len(sum.Symmetry) > 0 {
		fmt.Fprintf(&b, "; interchangeable: %s", strings.Join(sum.Symmetry, ", "))
	} else {
		b.WriteString("; no symmetry declared or applied")
	}
	b.WriteString(").\n")
	fmt.Fprintf(&b, "- Pruned by failure: %d (every property had already failed on a smaller schedule each contains).\n", c.PrunedByFailure)
	fmt.Fprintf(&b, "- Run: %d, of which %d ran out of their event budget.\n", c.Run, c.BudgetExhausted)
	b.WriteString("- Per property, of the canonical schedules: judged / covered by a smaller failure / undecided:\n")
	for _, p := range sum.Properties {
		fmt.Fprintf(&b, "  - %s: %d / %d / %d\n", p.Name, p.Judged, p.Covered, p.Undecided)
	}
	reportSpace(&b, d, sum)
	return b.String()
}

// reportSpace writes the moments, the alphabet and the coverage table.
func reportSpace(b *strings.Builder, d *Doc, sum *Summary) {
	b.WriteString("\n## Moments and the alphabet\n\n| moment | at |\n|---|---|\n")
	for i, m := range d.Space.Moments {
		at := d.Moments[i]
		if m.Anchor != "" {
			at = fmt.Sprintf("%s (record %d of kind %s in the fault-free run, + %v)", at, m.Nth, m.Anchor, m.Offset)
		}
		fmt.Fprintf(b, "| %s | %s |\n", m.Name, at)
	}
	b.WriteString("\nFaults: ")
	var ls []string
	for _, l := range d.Space.Letters {
		ls = append(ls, "`"+l.String()+"` at "+d.Space.momentNames(l.Moments))
	}
	b.WriteString(strings.Join(ls, "; ") + ".\n\n")
	b.WriteString("## Coverage: runs with a fault of each kind at each moment\n\n")
	var kinds []string
	for _, k := range letterKinds {
		for _, l := range d.Space.Letters {
			if l.Kind == k && !slices.Contains(kinds, k) {
				kinds = append(kinds, k)
			}
		}
	}
	fmt.Fprintf(b, "| moment | %s |\n|---|%s\n", strings.Join(kinds, " | "), strings.Repeat("---|", len(kinds)))
	for _, row := range sum.Coverage {
		fmt.Fprintf(b, "| %s |", row.Moment)
		for _, k := range kinds {
			if n, ok := row.Kinds[k]; ok {
				fmt.Fprintf(b, " %d |", n)
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n(– : not in the alphabet at that moment.) Every file under failures/ replays with `simulate run`; runs.jsonl has every run, summary.json these numbers.\n")
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
