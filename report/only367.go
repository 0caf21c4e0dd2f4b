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
			"which ends the program (§3.4, §4.2) — or sends everything from the route it fetched before the outage, "+
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

// writeConsoleReading: what the console last showed before it went blank.
func writeConsoleReading(w io.Writer, vs []*variantRuns, withE3 []*Run) {
	fmt.Fprintf(w, "### Read from the console\n\n")
	fmt.Fprintf(w, "Every page of the console reads through a nameserver (§7): once the last one is down it is blank, "+
		"and a person who did not reload it still sees the last page that loaded. E3's messages on the console's last "+
		"view before it went blank (the topic's total less the total on the last view before E3 began), and when that "+
		"view was taken, from E3's start:\n\n| variant | E3 messages on the last view | taken at |\n|---|---|---|\n")
	for _, v := range vs {
		runs, _ := filter(v.runs, func(r *Run) bool { return r.e3.ok && r.e3.consoleOK })
		if len(runs) == 0 {
			continue
		}
		vals := shownValues(runs)
		fmt.Fprintf(w, "| `%s` | %s | %s |\n", v.name, esc(formatDistribution(vals, len(runs))), durationRange(runs,
			func(r *Run) time.Duration { return r.e3.shownAt - r.e3.stepStart }, "E3"))
	}
	fmt.Fprintln(w)
	writeRefreshPhases(w, withE3)
	partial, _ := filter(withE3, func(r *Run) bool {
		return r.e3.consoleOK && r.e3.shown > 0 && int(r.e3.shown) < r.e3.producer.intended
	})
	if len(partial) == 0 {
		fmt.Fprintf(w, "No console froze at a partial count: its last view before it went blank came before E3's first "+
			"send() or after its last.\n\n")
		return
	}
	fmt.Fprintf(w, "This reading does give partial counts, in %s: %s.", ofRuns(partial, withE3),
		perVariantValues(vs, partial, func(r *Run) int { return int(r.e3.shown) }))
	if mid, _ := filter(partial, func(r *Run) bool {
		return r.e3.hasCall && r.e3.allDown && r.e3.shownAt >= r.e3.firstCall && r.e3.shownAt < r.e3.allDownAt
	}); len(mid) == len(partial) {
		fmt.Fprintf(w, " In each, the console's last refresh came while the E3 producer was sending and before the last "+
			"nameserver went down; the next refresh found no nameserver, so the console froze at that count.")
	}
	exact, _ := filter(partial, func(r *Run) bool { return r.e3.shown == reportedE3Sent })
	fmt.Fprintf(w, " It froze at exactly %s in %s.\n\n", num(reportedE3Sent), ofRunsOrNone(exact, partial))
}

// writeRefreshPhases says how many distinct moments, relative to E3's
// start, the console's last views fell on: the seeds vary them only as
// far as the runs' step times and refresh phases vary.
func writeRefreshPhases(w io.Writer, withE3 []*Run) {
	phases := map[time.Duration]bool{}
	n := 0
	for _, r := range withE3 {
		if r.e3.consoleOK {
			phases[(r.e3.shownAt - r.e3.stepStart).Round(100*time.Millisecond)] = true
			n++
		}
	}
	if n < 2 {
		return
	}
	when := fmt.Sprintf("at only %d distinct moments", len(phases))
	if len(phases) == 1 {
		when = "at the same moment"
	}
	fmt.Fprintf(w, "Over the %d runs, the last view came %s relative to E3's start (to 0.1 s): the console refreshes "+
		"every dashboard.pollInterval from its own start, and the seeds move E3's start only as far as earlier steps "+
		"move it, so these runs sample few refresh moments. ", n, when)
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
			out = append(out, value{text: "E3 +" + num(n), mark: mark})
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

// writeSendRate: the model's E3 send rate and, from it, when the last
// nameserver would have had to go down for a frozen console to read 367.
func writeSendRate(w io.Writer, vs []*variantRuns, withE3 []*Run) {
	fmt.Fprintf(w, "### When would the last nameserver have had to go down?\n\n")
	fmt.Fprintf(w, "A consistency check, not a fit. At the model's send rate R (acknowledged sends per second while the "+
		"E3 producer sent, from its first send() to its last SEND_OK), %s messages take %s/R. A console frozen at %s "+
		"must have loaded a page that long after the first send(), and failed at its next refresh, one refresh "+
		"interval P later (dashboard.pollInterval): so the last nameserver went down within P after that moment.\n\n",
		num(reportedE3Sent), num(reportedE3Sent), num(reportedE3Sent))
	fmt.Fprintf(w, "| variant | runs that sent | R | %s/R | last nameserver down, for a console frozen at %s | every nameserver down, in these runs | the runs' moment |\n|---|---|---|---|---|---|---|\n",
		num(reportedE3Sent), num(reportedE3Sent))
	inside := 0
	for _, v := range vs {
		if writeRateRow(w, v) {
			inside++
		}
	}
	fmt.Fprintln(w)
	sent, _ := filter(withE3, func(r *Run) bool { _, ok := r.e3.rate(); return ok })
	if len(sent) == 0 {
		fmt.Fprintf(w, "No E3 producer sent twice, so no rate could be measured.\n\n")
		return
	}
	frozen, _ := filter(sent, func(r *Run) bool { return r.e3.consoleOK && r.e3.shown == reportedE3Sent })
	lo, _ := sent[0].e3.rate()
	hi := lo
	for _, r := range sent[1:] {
		x, _ := r.e3.rate()
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if inside > 0 {
		fmt.Fprintf(w, "Inside the window means the model's timing does not rule the console reading out. It does not "+
			"make it likely: the page would have had to load between the %sth and the %sth acknowledgement, a span of "+
			"1/R (%s–%s ms here) in every %s refresh interval. ", num(reportedE3Sent), num(reportedE3Sent+1),
			ms(1/hi), ms(1/lo), secs(sent[0].pollInterval))
	} else {
		fmt.Fprintf(w, "In no variant does the moment the last nameserver went down fall inside the window: at the "+
			"model's send rate, a console frozen at %s does not fit these runs' timing. ", num(reportedE3Sent))
	}
	fmt.Fprintf(w, "Among the runs that sent, the console's last view showed exactly %s in %s.\n\n",
		num(reportedE3Sent), ofRunsOrNone(frozen, sent))
}

// writeRateRow writes one variant's row of the send-rate table and
// reports whether the runs' moment is inside the window.
func writeRateRow(w io.Writer, v *variantRuns) bool {
	runs, _ := filter(v.runs, func(r *Run) bool { _, ok := r.e3.rate(); return ok && r.e3.allDown })
	if len(runs) == 0 {
		return false
	}
	lo, _ := runs[0].e3.rate()
	hi := lo
	for _, r := range runs[1:] {
		x, _ := r.e3.rate()
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	early := seconds(float64(reportedE3Sent) / hi)
	late := seconds(float64(reportedE3Sent) / lo)
	poll := runs[0].pollInterval
	downAt := func(r *Run) time.Duration { return r.e3.allDownAt - r.e3.firstCall }
	inside := true
	for _, r := range runs {
		if d := downAt(r); d <= early || d > late+poll {
			inside = false
		}
	}
	verdict := "inside the window"
	if !inside {
		verdict = "outside the window"
	}
	rate := fmt.Sprintf("%.0f/s", lo)
	if hi-lo >= 0.5 {
		rate = fmt.Sprintf("%.0f–%.0f/s", lo, hi)
	}
	take := secs(early)
	if secs(late) != take {
		take = secs(early) + "–" + secs(late)
	}
	fmt.Fprintf(w, "| `%s` | %d | %s | %s | %s … %s (P = %s) | %s (%s) | %s |\n",
		v.name, len(runs), rate, take, relative("first send()", early), relative("first send()", late+poll), secs(poll),
		durationRange(runs, downAt, "first send()"), lastDownNames(runs), verdict)
	return inside
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
