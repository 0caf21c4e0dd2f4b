package report

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// variantRuns is one variant's runs, by seed, grouped into outcome classes.
type variantRuns struct {
	name    string
	runs    []*Run
	classes []*class
}

// class is an outcome class: the runs of a variant that got the same mark
// on every observation. The numbers behind a mark may still differ (the
// tables give them as distributions). Its representative is its lowest
// seed, the run its plot shows.
type class struct {
	label string
	runs  []*Run
}

func (c *class) rep() *Run { return c.runs[0] }

// groupRuns groups runs by variant, in the order the variants first
// appear, each variant's runs by seed, and classifies them.
func groupRuns(runs []*Run) []*variantRuns {
	var out []*variantRuns
	index := map[string]*variantRuns{}
	for _, r := range runs {
		v := index[r.Variant]
		if v == nil {
			v = &variantRuns{name: r.Variant}
			index[r.Variant] = v
			out = append(out, v)
		}
		v.runs = append(v.runs, r)
	}
	for _, v := range out {
		sort.SliceStable(v.runs, func(i, j int) bool { return v.runs[i].Seed < v.runs[j].Seed })
		v.classes = classify(v.runs)
	}
	return out
}

// classKey is a run's marks, one per observation.
func classKey(r *Run) string {
	var b strings.Builder
	for _, c := range r.cells {
		b.WriteString(c.mark)
	}
	return b.String()
}

// classify groups runs (by seed) into classes labelled A, B, … in the
// order of their lowest seeds.
func classify(runs []*Run) []*class {
	var out []*class
	byKey := map[string]*class{}
	for _, r := range runs {
		k := classKey(r)
		c := byKey[k]
		if c == nil {
			c = &class{label: classLabel(len(out))}
			byKey[k] = c
			out = append(out, c)
		}
		c.runs = append(c.runs, r)
	}
	return out
}

// classLabel is A … Z, then AA, AB, …
func classLabel(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return classLabel(i/26-1) + classLabel(i%26)
}

// plotName is the base name of a class's timeline files: the variant's
// name, with the class's letter when the variant has several classes.
func (v *variantRuns) plotName(c *class) string {
	name := v.name
	if name == "" {
		name = "base"
	}
	if len(v.classes) == 1 {
		return "timeline-" + name
	}
	return "timeline-" + name + "-" + strings.ToLower(c.label)
}

// value is one distinct reading of an observation and the seeds that
// gave it, in order.
type value struct {
	text, mark string
	seeds      []uint64
}

// maxListed is how many values of one shape (same words and mark, other
// numbers) are listed one by one; more are merged into ranges.
const maxListed = 4

// distribution is the distinct readings of observation obs over runs, in
// the order of their lowest seeds; more than maxListed of one shape are
// merged into ranges.
func distribution(runs []*Run, obs int) []value {
	return distributionUpTo(runs, obs, maxListed)
}

// distributionUpTo is distribution with up to listed values of one shape.
func distributionUpTo(runs []*Run, obs, listed int) []value {
	var out []value
	index := map[cell]int{}
	for _, r := range runs {
		c := r.cell(obs)
		i, ok := index[c]
		if !ok {
			i = len(out)
			index[c] = i
			out = append(out, value{text: c.text, mark: c.mark})
		}
		out[i].seeds = append(out[i].seeds, r.Seed)
	}
	return compact(out, listed)
}

var numberRE = regexp.MustCompile(`[0-9]+(?:,[0-9]{3})*`)

// compact merges the values of one shape into one with number ranges
// when there are more than listed of them.
func compact(vals []value, listed int) []value {
	groups := map[string][]int{}
	for i, v := range vals {
		k := numberRE.ReplaceAllString(v.text, "#") + "\x00" + v.mark
		groups[k] = append(groups[k], i)
	}
	merged, skip := map[int]value{}, map[int]bool{}
	for _, idx := range groups {
		if len(idx) <= listed {
			continue
		}
		merged[idx[0]] = mergeValues(vals, idx)
		for _, j := range idx[1:] {
			skip[j] = true
		}
	}
	var out []value
	for i, v := range vals {
		if m, ok := merged[i]; ok {
			v = m
		}
		if !skip[i] {
			out = append(out, v)
		}
	}
	return out
}

// mergeValues writes values of one shape as one, each number as the
// range it took ("sent 100, consumed 3,988–4,130").
func mergeValues(vals []value, idx []int) value {
	words := numberRE.Split(vals[idx[0]].text, -1)
	slots := len(words) - 1
	lo, hi := make([]int64, slots), make([]int64, slots)
	out := value{mark: vals[idx[0]].mark}
	for n, i := range idx {
		for s, t := range numberRE.FindAllString(vals[i].text, -1) {
			x, _ := strconv.ParseInt(strings.ReplaceAll(t, ",", ""), 10, 64)
			if n == 0 || x < lo[s] {
				lo[s] = x
			}
			if n == 0 || x > hi[s] {
				hi[s] = x
			}
		}
		out.seeds = append(out.seeds, vals[i].seeds...)
	}
	sort.Slice(out.seeds, func(a, b int) bool { return out.seeds[a] < out.seeds[b] })
	var b strings.Builder
	for s, w := range words {
		b.WriteString(w)
		if s < slots {
			b.WriteString(num(lo[s]))
			if hi[s] != lo[s] {
				b.WriteString("–" + num(hi[s]))
			}
		}
	}
	out.text = b.String()
	return out
}

// formatDistribution writes values over total seeds: "0 ✗ (9 of 16
// seeds, e.g. seed 1) · 10,000 ≈ (7 of 16, e.g. seed 2)".
func formatDistribution(vals []value, total int) string {
	if len(vals) == 1 {
		v := vals[0]
		if total == 1 {
			return fmt.Sprintf("%s %s (seed %d)", v.text, v.mark, v.seeds[0])
		}
		return fmt.Sprintf("%s %s (all %d seeds)", v.text, v.mark, total)
	}
	var parts []string
	for i, v := range vals {
		unit := ""
		if i == 0 {
			unit = " seeds"
		}
		parts = append(parts, fmt.Sprintf("%s %s (%d of %d%s, e.g. seed %d)", v.text, v.mark, len(v.seeds), total, unit, v.seeds[0]))
	}
	return strings.Join(parts, " · ")
}

// formatWithin writes a class's values: the value alone when every seed
// gave it, else the distribution.
func formatWithin(vals []value, total int) string {
	if len(vals) == 1 {
		return vals[0].text + " " + vals[0].mark
	}
	return formatDistribution(vals, total)
}

// markOrder is the order marks are tallied in.
var markOrder = []string{markYes, markShape, markNo, markNone}

// markTally counts the runs by mark for observation obs: "✗ 9 · ≈ 7".
func markTally(runs []*Run, obs int) string {
	counts := map[string]int{}
	for _, r := range runs {
		counts[r.cell(obs).mark]++
	}
	var parts []string
	for _, m := range markOrder {
		if counts[m] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", m, counts[m]))
		}
	}
	return strings.Join(parts, " · ")
}

// seedsWord is "seed 2" or "seeds 1–3, 7".
func seedsWord(runs []*Run) string {
	if len(runs) == 1 {
		return fmt.Sprintf("seed %d", runs[0].Seed)
	}
	return "seeds " + seedList(runs)
}

// seedList writes seeds as ranges: "1–3, 7".
func seedList(runs []*Run) string {
	xs := make([]int, len(runs))
	for i, r := range runs {
		xs[i] = int(r.Seed)
	}
	sort.Ints(xs)
	return ranges(xs)
}
