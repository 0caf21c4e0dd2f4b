package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Counting runs for the conclusions: how many runs, of which variants
// and seeds, had a property, and whether it follows a producer's random
// first nameserver (facts §3.4).

// flatten lists every run, variant by variant.
func flatten(vs []*variantRuns) []*Run {
	var out []*Run
	for _, v := range vs {
		out = append(out, v.runs...)
	}
	return out
}

// filter partitions runs by a predicate, keeping their order.
func filter(runs []*Run, pred func(*Run) bool) (yes, no []*Run) {
	for _, r := range runs {
		if pred(r) {
			yes = append(yes, r)
		} else {
			no = append(no, r)
		}
	}
	return yes, no
}

// ofRuns writes "9 of 176 runs", or "every one of the 176 runs".
func ofRuns(sub, of []*Run) string {
	if len(sub) == len(of) && len(of) > 1 {
		return fmt.Sprintf("every one of the %d runs", len(of))
	}
	if len(of) == 1 {
		return "the run"
	}
	return fmt.Sprintf("%d of %d runs", len(sub), len(of))
}

// perVariant writes, for every variant with runs in sub, how many of its
// runs those are and their seeds: "`baseline`: 9 of 16 (seeds 1, 4–8);
// `producer-after-outage`: all 16".
func perVariant(vs []*variantRuns, sub []*Run) string {
	return perVariantWith(vs, sub, nil)
}

// perVariantValues is perVariant with the range of val over each
// variant's runs in sub: "`baseline`: 5,978–6,012 in 7 of 16 (seeds 2, 5)".
func perVariantValues(vs []*variantRuns, sub []*Run, val func(*Run) int) string {
	return perVariantWith(vs, sub, val)
}

func perVariantWith(vs []*variantRuns, sub []*Run, val func(*Run) int) string {
	in := map[*Run]bool{}
	for _, r := range sub {
		in[r] = true
	}
	// Variants with the same count, seeds and values share one entry.
	var order []string
	group := map[string][]*variantRuns{}
	for _, v := range vs {
		mine, _ := filter(v.runs, func(r *Run) bool { return in[r] })
		if len(mine) == 0 {
			continue
		}
		text := ""
		if val != nil {
			text += valueRange(mine, val) + " in "
		}
		switch {
		case len(v.runs) == 1:
			text += fmt.Sprintf("seed %d", v.runs[0].Seed)
		case len(mine) == len(v.runs):
			text += fmt.Sprintf("all %d", len(v.runs))
		default:
			text += fmt.Sprintf("%d of %d (%s)", len(mine), len(v.runs), seedsWord(mine))
		}
		if _, ok := group[text]; !ok {
			order = append(order, text)
		}
		group[text] = append(group[text], v)
	}
	var parts []string
	for _, text := range order {
		who := names(group[text])
		if len(group[text]) == len(vs) && len(vs) > 1 {
			who = "each variant"
		}
		parts = append(parts, who+": "+text)
	}
	return strings.Join(parts, "; ")
}

// valueRange is "5,978–6,012", or one number when all are equal.
func valueRange(runs []*Run, val func(*Run) int) string {
	lo, hi := val(runs[0]), val(runs[0])
	for _, r := range runs[1:] {
		lo, hi = min(lo, val(r)), max(hi, val(r))
	}
	if lo == hi {
		return num(lo)
	}
	return num(lo) + "–" + num(hi)
}

// names lists variants as "`a`, `b` and `c`".
func names(vs []*variantRuns) string {
	var out []string
	for _, v := range vs {
		out = append(out, "`"+v.name+"`")
	}
	return joinAnd(out)
}

func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return "none"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// dependence says, variant by variant, whether pred follows the random
// first nameserver of the step's producer (§3.4): yes in every run in
// which that producer first asked a nameserver that was up, no in every
// run in which it first asked one that was down. Variants whose producer
// never ran in that step are left out.
func dependence(vs []*variantRuns, step string, pred func(*Run) bool, yes, no string) []string {
	var follows, always, never []*variantRuns
	var mixed []string
	downNS := map[string]bool{}
	for _, v := range vs {
		var up, down []*Run
		for _, r := range v.runs {
			if p := r.programIn(step, true); p != nil && p.firstNS != "" {
				if p.firstNSDown {
					down = append(down, r)
				} else {
					up = append(up, r)
				}
			}
		}
		upYes, _ := filter(up, pred)
		downYes, _ := filter(down, pred)
		aligned := len(up) > 0 && len(down) > 0 && len(upYes) == len(up) && len(downYes) == 0
		if aligned {
			for _, r := range down {
				downNS[r.programIn(step, true).firstNS] = true
			}
		}
		switch {
		case len(up)+len(down) == 0:
		case len(upYes)+len(downYes) == len(up)+len(down):
			always = append(always, v)
		case len(upYes)+len(downYes) == 0:
			never = append(never, v)
		case aligned:
			follows = append(follows, v)
		default:
			mixed = append(mixed, fmt.Sprintf("in `%s`, %s in %d of the %d runs whose %s producer first asked a nameserver "+
				"that was up and in %d of the %d whose producer first asked one that was down", v.name, yes,
				len(upYes), len(up), step, len(downYes), len(down)))
		}
	}
	var out []string
	if len(follows) > 0 {
		out = append(out, fmt.Sprintf("In %s this follows the %s producer's random first nameserver alone (a new Java "+
			"client shuffles its nameserver list and starts at a random index, §3.4): %s in every run in which it first "+
			"asked a nameserver that was up, %s in every run in which it first asked one that was down (%s).",
			names(follows), step, yes, no, joinAnd(slices.Sorted(maps.Keys(downNS)))))
	}
	if len(never) > 0 {
		out = append(out, fmt.Sprintf("In %s, %s in every run, whichever nameserver the %s producer asked first.", names(never), no, step))
	}
	if len(always) > 0 && len(follows)+len(never)+len(mixed) > 0 {
		out = append(out, fmt.Sprintf("In %s, %s in every run.", names(always), yes))
	}
	if len(mixed) > 0 {
		out = append(out, "It does not follow the first nameserver alone "+strings.Join(mixed, "; ")+".")
	}
	return out
}
