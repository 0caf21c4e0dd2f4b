package report

import (
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// The section on the field report's "only 367 messages were sent" (E3):
// what the model gives under each reading of where 367 was read.

func writeOnly367(w io.Writer, vs []*variantRuns) {
	fmt.Fprintf(w, "## 4. \"Only %s of %s sent\"\n\n", num(reportedE3Sent), num(reportedE3Intended))
	all := flatten(vs)
	withE3, _ := filter(all, func(r *Run) bool { return r.e3.ok })
	if len(withE3) == 0 {
		fmt.Fprintf(w, "No run has a producer in step E3.\n\n")
		return
	}
	fmt.Fprintf(w, "The field report does not say whether 367 was read from the producer's log or from the console. "+
		"Here is what the model shows under each reading; nothing in the scenario is tuned to give 367.\n\n")
	writeLogsReading(w, vs, withE3)
	writeConsoleReading(w, vs, withE3)
	writeSendRate(w, vs, withE3)
}

// writeLogsReading: the set of E3 send counts the programs' logs give.
func writeLogsReading(w io.Writer, vs []*variantRuns, withE3 []*Run) {
	logs, _ := filter(withE3, func(r *Run) bool { return r.CountsFrom != "dashboard" })
	fmt.Fprintf(w, "### Read from the producer's log\n\n")
	if len(logs) == 0 {
		fmt.Fprintf(w, "No variant reads the logs.\n\n")
		return
	}
	byCount := map[int][]*Run{}
	for _, r := range logs {
		byCount[r.e3.producer.acked] = append(byCount[r.e3.producer.acked], r)
	}
	counts := make([]int, 0, len(byCount))
	for n := range byCount {
		counts = append(counts, n)
	}
	sort.Ints(counts)
	fmt.Fprintf(w, "E3's acknowledged sends in the %d runs that read the logs:\n\n| E3 sent | runs | which | the E3 producer |\n|---|---|---|---|\n", len(logs))
	var partial []string
	for _, n := range counts {
		runs := byCount[n]
		fmt.Fprintf(w, "| %s | %d | %s | %s |\n", num(n), len(runs), esc(perVariant(vs, runs)), esc(producerFacts(runs)))
		if n > 0 && n < runs[0].e3.producer.intended {
			partial = append(partial, num(n))
		}
	}
	fmt.Fprintln(w)
	if len(partial) == 0 {
		fmt.Fprintf(w, "Every run gave all or nothing. The model's producer either fails at its first send() for want of "+
			"a route — its first route query found no nameserver in time, and send() threw IllegalStateException, "+
			"which ends the loop (§3.4, §4.2) — or sends everything from the route it fetched before the outage, "+
			"without asking a nameserver again (§4.2, §6). No run gave a partial count, so none gave %s.\n\n", num(reportedE3Sent))
		return
	}
	fmt.Fprintf(w, "Partial counts: %s.", strings.Join(partial, ", "))
	if _, ok := byCount[reportedE3Sent]; ok {
		fmt.Fprintf(w, " %s is among them: the reading reproduces the field report.", num(reportedE3Sent))
	}
	fmt.Fprintf(w, "\n\n")
}

// producerFacts tallies the E3 producers of runs: "asked … first (…),
// outcome (n runs)".
func producerFacts(runs []*Run) string {
	counts := map[string]int{}
	for _, r := range runs {
		p := &r.e3.producer
		counts[p.choice()+", "+p.outcome()]++
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		out = append(out, fmt.Sprintf("%s (%d)", k, counts[k]))
	}
	return strings.Join(out, "; ")
}

// writeConsoleReading: E3's count as the console showed it, on the page
// each console-reading variant's person read E3 from.
func writeConsoleReading(w io.Writer, vs []*variantRuns, withE3 []*Run) {
	fmt.Fprintf(w, "### Read from the console\n\n")
	fmt.Fprintf(w, "A page of the console shows what it loaded last: the cluster and topic-status pages load once when "+
		"they are entered; the home page's line chart shows the last point the collector saved, which it gathers "+
		"through a nameserver at second 30 of every minute and stops adding when no nameserver answers, with no "+
		"error shown; the consumer page keeps its old list when a refresh fails; the message page lists what its "+
		"query found (docs/rocketmq-notes.md, \"Console\"). The variants that read their counts from the console "+
		"(countsFrom: dashboard) say on which page the person read E3, and when they entered it; E3's count is that "+
		"page's figure at E3's end less the figure the person read at E2's end:\n\n"+
		"| variant | page read at E3 | E3 count on the console | data read at | stale in |\n|---|---|---|---|---|\n")
	any := false
	for _, v := range vs {
		runs, _ := filter(v.runs, func(r *Run) bool { return r.e3.ok && r.CountsFrom == "dashboard" })
		if len(runs) == 0 {
			continue
		}
		any = true
		shown, _ := filter(runs, func(r *Run) bool { return r.e3.consoleOK })
		dist, when := "nothing shown", "–"
		if len(shown) > 0 {
			dist = formatDistribution(shownValues(shown), len(runs))
			when = durationRange(shown, func(r *Run) time.Duration { return r.e3.shownAt - r.e3.stepStart }, "E3")
		}
		if n := len(runs) - len(shown); n > 0 && len(shown) > 0 {
			dist += fmt.Sprintf(" · nothing shown (%d of %d)", n, len(runs))
		}
		stale, _ := filter(shown, func(r *Run) bool { return r.e3.stale })
		fmt.Fprintf(w, "| `%s` | %s | %s | %s | %d of %d |\n", v.name, runs[0].e3.view, esc(dist), when, len(stale), len(runs))
	}
	if !any {
		fmt.Fprintf(w, "| – | – | no variant reads the console | – | – |\n")
	}
	fmt.Fprintln(w)
	partial, _ := filter(withE3, func(r *Run) bool {
		return r.CountsFrom == "dashboard" && r.e3.consoleOK && r.e3.shown > 0 && int(r.e3.shown) < r.e3.producer.intended
	})
	if len(partial) == 0 {
		fmt.Fprintf(w, "No console reading gave a partial E3 count.\n\n")
		return
	}
	exact, _ := filter(partial, func(r *Run) bool { return r.e3.shown == reportedE3Sent })
	fmt.Fprintf(w, "Console readings give partial counts in %s: %s. Exactly %s in %s.\n\n", ofRuns(partial, withE3),
		perVariantValues(vs, partial, func(r *Run) int { return int(r.e3.shown) }), num(reportedE3Sent),
		ofRunsOrNone(exact, partial))
}

// shownValues groups runs by the E3 count the console last showed,
// marked as the E3 row of the observation table marks a count.
func shownValues(runs []*Run) []value {
	var out []value
	index := map[int64]int{}
	for _, r := range runs {
		n := r.e3.shown
		i, ok := index[n]
		if !ok {
			i = len(out)
			index[n] = i
			mark := markNo
			switch {
			case n == reportedE3Sent:
				mark = markYes
			case n > 0 && int(n) < r.e3.producer.intended:
				mark = markShape
			}
			out = append(out, value{text: "E3 " + signed(n), mark: mark})
		}
		out[i].seeds = append(out[i].seeds, r.Seed)
	}
	return out
}

// durationRange writes the range of d over runs as offsets from a named
// moment: "E3 − 9.895 s … E3 − 0.105 s", or one value.
func durationRange(runs []*Run, d func(*Run) time.Duration, from string) string {
	lo, hi := d(runs[0]), d(runs[0])
	for _, r := range runs[1:] {
		lo, hi = min(lo, d(r)), max(hi, d(r))
	}
	if lo == hi {
		return relative(from, lo)
	}
	return relative(from, lo) + " … " + relative(from, hi)
}

// relative writes an offset from a named moment: "E3 + 2.000 s".
func relative(from string, d time.Duration) string {
	if d < 0 {
		return from + " − " + secs(-d)
	}
	return from + " + " + secs(d)
}

// writeSendRate: the model's E3 send rate and, from it, when a page
// would have had to read the topic for the console to show 367.
func writeSendRate(w io.Writer, vs []*variantRuns, withE3 []*Run) {
	fmt.Fprintf(w, "### When would the console have had to read 367?\n\n")
	fmt.Fprintf(w, "A consistency check, not a fit. At the model's send rate R (acknowledged sends per second while the "+
		"E3 producer sent, from its first send() to its last SEND_OK), %s messages take %s/R. A page shows %s of "+
		"E3's messages only if it read the brokers that long after the first send() and was not refreshed after: "+
		"a cluster or topic page entered then and left open, or a home page whose collector's last successful "+
		"collection (second 30 of a minute) came then, the next one finding no nameserver.\n\n",
		num(reportedE3Sent), num(reportedE3Sent), num(reportedE3Sent))
	fmt.Fprintf(w, "| variant | runs that sent | R | %s/R | every nameserver down, from the first send() |\n|---|---|---|---|---|\n",
		num(reportedE3Sent))
	for _, v := range vs {
		writeRateRow(w, v)
	}
	fmt.Fprintln(w)
	sent, _ := filter(withE3, func(r *Run) bool { _, ok := r.e3.rate(); return ok })
	if len(sent) == 0 {
		fmt.Fprintf(w, "No E3 producer sent twice, so no rate could be measured.\n\n")
		return
	}
	lo, _ := sent[0].e3.rate()
	hi := lo
	for _, r := range sent[1:] {
		x, _ := r.e3.rate()
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	fmt.Fprintf(w, "The page would have had to read the brokers between the %sth and the %sth acknowledgement, a span of "+
		"1/R (%s–%s ms here).\n\n", num(reportedE3Sent), num(reportedE3Sent+1), ms(1/hi), ms(1/lo))
}

// writeRateRow writes one variant's row of the send-rate table.
func writeRateRow(w io.Writer, v *variantRuns) {
	runs, _ := filter(v.runs, func(r *Run) bool { _, ok := r.e3.rate(); return ok && r.e3.allDown })
	if len(runs) == 0 {
		return
	}
	lo, _ := runs[0].e3.rate()
	hi := lo
	for _, r := range runs[1:] {
		x, _ := r.e3.rate()
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	early := seconds(float64(reportedE3Sent) / hi)
	late := seconds(float64(reportedE3Sent) / lo)
	downAt := func(r *Run) time.Duration { return r.e3.allDownAt - r.e3.firstCall }
	rate := fmt.Sprintf("%.0f/s", lo)
	if hi-lo >= 0.5 {
		rate = fmt.Sprintf("%.0f–%.0f/s", lo, hi)
	}
	take := secs(early)
	if secs(late) != take {
		take = secs(early) + "–" + secs(late)
	}
	fmt.Fprintf(w, "| `%s` | %d | %s | %s | %s (%s) |\n", v.name, len(runs), rate, take,
		durationRange(runs, downAt, "first send()"), lastDownNames(runs))
}

// lastDownNames names the nameservers that went down last in runs.
func lastDownNames(runs []*Run) string {
	seen := map[string]bool{}
	for _, r := range runs {
		if r.e3.lastDown != "" {
			seen[r.e3.lastDown] = true
		}
	}
	return joinAnd(slices.Sorted(maps.Keys(seen)))
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func ms(s float64) string { return fmt.Sprintf("%.2f", s*1000) }

// ofRunsOrNone is ofRuns, or "none of the N runs".
func ofRunsOrNone(sub, of []*Run) string {
	if len(sub) == 0 {
		return fmt.Sprintf("none of the %d runs", len(of))
	}
	return ofRuns(sub, of)
}
