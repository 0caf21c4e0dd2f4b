package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"rmqsim/model"
	"rmqsim/scenarios"
)

func cmdList(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("list", "list", stderr)
	if err := fs.Parse(args); err != nil {
		return parseStatus(err)
	}
	type line struct{ name, desc string }
	var lines []line
	width := 0
	for _, name := range scenarios.Names() {
		sc, err := scenarios.LoadNamed(name)
		if err != nil {
			return badInput(stderr, err)
		}
		lines = append(lines, line{name, sc.Description})
		for _, v := range sc.Variants {
			lines = append(lines, line{name + " -variant " + v.Name, v.Description})
		}
	}
	for _, l := range lines {
		width = max(width, len(l.name))
	}
	bw := bufio.NewWriter(stdout)
	for _, l := range lines {
		fmt.Fprintf(bw, "%-*s  %s\n", width, l.name, oneLine(l.desc))
	}
	if err := bw.Flush(); err != nil {
		return badInput(stderr, err)
	}
	return exitOK
}

// oneLine collapses a description to one line of at most 100 runes.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 100 {
		s = string(r[:99]) + "…"
	}
	return s
}

func cmdParams(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("params", "params", stderr)
	if err := fs.Parse(args); err != nil {
		return parseStatus(err)
	}
	cfg := model.DefaultConfig()
	bw := bufio.NewWriter(stdout)
	for _, k := range model.Keys() {
		v, _ := cfg.Get(k)
		fmt.Fprintf(bw, "%-50s %s\n", k, v)
	}
	if err := bw.Flush(); err != nil {
		return badInput(stderr, err)
	}
	return exitOK
}

// writeSummary prints a Result for readers.
func writeSummary(w io.Writer, r *scenarios.Result) error {
	bw := bufio.NewWriter(w)
	variant := r.Variant
	if variant == "" {
		variant = "(base)"
	}
	fmt.Fprintf(bw, "scenario %s, variant %s, seed %d\n", r.Scenario, variant, r.Seed)
	fmt.Fprintf(bw, "outcome %s after %d events, %d ms of virtual time in %d ms (trace %s)\n",
		r.Outcome, r.Events, r.SimTimeMs, r.WallMs, r.TraceHash)
	fmt.Fprintf(bw, "messages: %s\n", counters(r.Messages))
	fmt.Fprintf(bw, "stored by broker: %s\n", intMap(r.StoredByBroker))
	fmt.Fprintf(bw, "fates: %s\n", intMap(r.Fates))
	fmt.Fprintf(bw, "verdicts: %s\n", stringMap(r.Verdicts))
	for _, st := range r.Steps {
		if !st.Started {
			fmt.Fprintf(bw, "step %s: never started\n", st.Name)
			continue
		}
		obs := "nothing"
		if st.Observer != nil {
			obs = observerText(st.Observer)
		}
		fmt.Fprintf(bw, "step %s [%d ms, %d ms): %s; console showed %s\n",
			st.Name, st.StartMs, st.EndMs, counters(st.Messages), obs)
	}
	for _, e := range r.Expectations {
		mark := "held"
		if !e.Held {
			mark = "FAILED"
		}
		fmt.Fprintf(bw, "expect %s: %s, got %s: %s\n", e.Property, e.Want, e.Got, mark)
	}
	return bw.Flush()
}

func counters(m scenarios.Messages) string {
	return fmt.Sprintf("intended %d, send_ok %d, send_failed %d, never_sent %d, stored %d, consumed_unique %d, duplicates %d, lost_acked %d",
		m.Intended, m.SendOK, m.SendFailed, m.NeverSent, m.Stored, m.ConsumedUnique, m.Duplicates, m.LostAcked)
}

func intMap(m map[string]int) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// observerText writes a step's console figures: "key value", with
// "(stale since ms)" and "(toast: text)" where the page showed them.
func observerText(o scenarios.Observer) string {
	parts := make([]string, 0, len(o))
	for _, k := range slices.Sorted(maps.Keys(o)) {
		f := o[k]
		p := k + " -"
		if f.Value != nil {
			p = fmt.Sprintf("%s %d", k, *f.Value)
		}
		if f.StaleSince != nil {
			p += fmt.Sprintf(" (stale since %d ms)", *f.StaleSince)
		}
		if f.Error != "" {
			p += " (toast: " + f.Error + ")"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ", ")
}

func stringMap(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, k+" "+m[k])
	}
	if len(parts) == 0 {
		return "none judged"
	}
	return strings.Join(parts, ", ")
}
