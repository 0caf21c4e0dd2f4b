package report

import (
	"fmt"
	"io"
	"strings"
)

// The section that turns the observation table around: for each
// observation, under which readings (variants) it is reproduced and in
// how many of their seeds; then the two console questions the field
// report raises, "only 367 sent" and "some messages lost", answered for
// the readings that take their numbers from the console.

func writeReadings(w io.Writer, vs []*variantRuns) {
	fmt.Fprintf(w, "### Under which readings each observation is reproduced\n\n")
	fmt.Fprintf(w, "Each observation with the variants (readings) whose seeds reproduce it (%s) or give its shape (%s), "+
		"with how many seeds of the variant's %d; the variants that read the console are marked (console).\n\n",
		markYes, markShape, len(vs[0].runs))
	fmt.Fprintf(w, "| step | observed in the field | %s under | %s under |\n|---|---|---|---|\n", markYes, markShape)
	for i, o := range observations {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", o.step, esc(o.reported), esc(readingsWith(vs, i, markYes)),
			esc(readingsWith(vs, i, markShape)))
	}
	fmt.Fprintln(w)
	writeConsoleQuestions(w, vs)
}

// readingsWith lists the variants with seeds marked mark on observation i.
func readingsWith(vs []*variantRuns, i int, mark string) string {
	var out []string
	every := true
	for _, v := range vs {
		for _, r := range v.runs {
			every = every && r.cells[i].mark == mark
		}
	}
	if every {
		return "every variant, every seed"
	}
	for _, v := range vs {
		n := 0
		for _, r := range v.runs {
			if r.cells[i].mark == mark {
				n++
			}
		}
		if n == 0 {
			continue
		}
		name := "`" + v.name + "`"
		if v.runs[0].CountsFrom == "dashboard" {
			name += " (console)"
		}
		out = append(out, fmt.Sprintf("%s %d", name, n))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, "; ")
}

// observationIndex is the row of the observation with short name s.
func observationIndex(short string) int {
	for i, o := range observations {
		if o.short == short {
			return i
		}
	}
	panic("report: no observation " + short)
}

// writeConsoleQuestions: for each console reading, in how many seeds E3's
// count came out partial (367 or another) and E4's console showed fewer
// messages than were acknowledged, and how many acknowledged messages
// those seeds lost (ground truth).
func writeConsoleQuestions(w io.Writer, vs []*variantRuns) {
	e3, e4 := observationIndex("E3 sent"), observationIndex("E4 lost")
	fmt.Fprintf(w, "Read from the console: \"only %s sent\" (E3) and \"some messages are lost\" (E4). A partial E3 count "+
		"(%s exactly %s, %s another) or an E4 page showing fewer messages than were acknowledged (%s), against what "+
		"the brokers hold:\n\n| console reading | E3 partial | E3 exactly %s | E4 fewer than acknowledged | acknowledged messages lost in those seeds |\n|---|---|---|---|---|\n",
		num(reportedE3Sent), markYes, num(reportedE3Sent), markShape, markYes, num(reportedE3Sent))
	any := false
	for _, v := range vs {
		if v.runs[0].CountsFrom != "dashboard" {
			continue
		}
		any = true
		var partial, exact, fewer []*Run
		for _, r := range v.runs {
			switch r.cells[e3].mark {
			case markYes:
				exact = append(exact, r)
				partial = append(partial, r)
			case markShape:
				partial = append(partial, r)
			}
			if r.cells[e4].mark == markYes {
				fewer = append(fewer, r)
			}
		}
		lost, seen := 0, map[*Run]bool{}
		for _, r := range append(append([]*Run{}, partial...), fewer...) {
			if !seen[r] {
				seen[r] = true
				lost += r.Messages.LostAcked
			}
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %s |\n", v.name, seedsOf(partial, v.runs), seedsOf(exact, v.runs),
			seedsOf(fewer, v.runs), num(lost))
	}
	if !any {
		fmt.Fprintf(w, "| – | no variant reads the console | – | – | – |\n")
	}
	fmt.Fprintln(w)
}

// seedsOf is "n of N (seeds …)" or "none".
func seedsOf(sub, of []*Run) string {
	if len(sub) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d of %d (seeds %s)", len(sub), len(of), seedList(sub))
}
