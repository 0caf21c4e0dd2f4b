package modelcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"rmqsim/history"
	"rmqsim/scenarios"
	"rmqsim/shard"
)

// tinySpace is a space over testdata/tiny-base.yaml: two nameservers,
// kinds × the nameservers at two moments (one anchored to a send in
// flight), a planted property and a real one.
func tinySpace(t *testing.T, kinds string, depth int, symmetry string) *Space {
	t.Helper()
	base, err := filepath.Abs("testdata/tiny-base.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := fmt.Sprintf(`name: tiny
scenario: %s
depth: %d
symmetry: [%s]
moments:
  - {name: a, at: 70s}
  - {name: b, anchor: send-attempt, nth: 2, offset: 100us}
alphabet:
  - {kinds: [%s], targets: nameservers}
properties:
  - {name: planted, says: "the planted bug drops no message", metric: runs.lost_acked, failWhen: "true"}
  - {name: never-sent, metric: runs.never_sent, failWhen: "true"}
`, filepath.ToSlash(base), depth, symmetry, kinds)
	p := filepath.Join(t.TempDir(), "tiny.yaml")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// plantBug is the planted bug: a run in which both nameservers were
// killed (at any moments) loses one acknowledged message. It reads the
// run's own fault records, so it treats the two nameservers alike.
func plantBug(res *scenarios.Result) {
	killed := map[string]bool{}
	for _, r := range res.History.All() {
		if r.Kind == history.Fault && r.Detail == "kill" {
			killed[r.Target] = true
		}
	}
	if killed["ns1"] && killed["ns2"] {
		res.Messages.LostAcked++
	}
}

func TestScheduleCountByHand(t *testing.T) {
	// kill × {ns1, ns2} at moments {a, b}: 4 pairs. Schedules of 0, 1, 2
	// faults: 1, 4, 6. Up to renaming ns1 <-> ns2: {}; {kill@a},
	// {kill@b}; {k1@a k2@a}, {k1@b k2@b}, {k1@a k1@b} ~ {k2@a k2@b},
	// {k1@a k2@b} ~ {k2@a k1@b}: 1, 2, 4.
	s := tinySpace(t, "kill", 2, "nameservers")
	p, err := NewPlan(s, -1, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 4, 6}; !slices.Equal(p.Raw, want) {
		t.Errorf("raw counts %v, want %v", p.Raw, want)
	}
	var canon []int
	for _, l := range p.Levels {
		canon = append(canon, len(l))
	}
	if want := []int{1, 2, 4}; !slices.Equal(canon, want) {
		t.Errorf("canonical counts %v, want %v", canon, want)
	}
	// Each class's size: the orbits add up to the whole space.
	var sum int
	for _, o := range p.Orbits {
		for _, n := range o {
			sum += n
		}
	}
	if sum != 11 {
		t.Errorf("orbits cover %d schedules, want 11", sum)
	}
	// Without symmetry every schedule is a job.
	u, err := NewPlan(s, -1, false)
	if err != nil {
		t.Fatal(err)
	}
	if u.Jobs() != 11 {
		t.Errorf("unreduced jobs %d, want 11", u.Jobs())
	}
	// Two kinds: 8 pairs, 1 + 8 + 28 = 37 schedules; by Burnside
	// (37 + 1 + 0 + 4 fixed by the swap) / 2 = 21 classes.
	s2 := tinySpace(t, "kill, shutdown-network-first", 2, "nameservers")
	p2, err := NewPlan(s2, -1, true)
	if err != nil {
		t.Fatal(err)
	}
	if p2.Raw[0]+p2.Raw[1]+p2.Raw[2] != 37 || p2.Jobs() != 21 {
		t.Errorf("two kinds: raw %v, %d jobs; want 37 schedules and 21 jobs", p2.Raw, p2.Jobs())
	}
	// And the check runs exactly the jobs, one line each.
	out, err := Check(context.Background(), s, Options{Depth: -1, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Lines) != 7 || out.Manifest.Jobs != 7 {
		t.Errorf("%d lines of %d jobs, want 7", len(out.Lines), out.Manifest.Jobs)
	}
}

// failures runs a space and returns each property's minimal failures as
// sets of "moment letter" words, sorted.
func failures(t *testing.T, s *Space, opts Options) (map[string][]string, *Summary) {
	t.Helper()
	got, sum, _ := failuresIn(t, s, opts)
	return got, sum
}

// failuresIn is failures, also returning the check's folder.
func failuresIn(t *testing.T, s *Space, opts Options) (map[string][]string, *Summary, string) {
	t.Helper()
	out, err := Check(context.Background(), s, opts)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sum, err := Write(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, p := range sum.Properties {
		for _, f := range p.Failures {
			got[p.Name] = append(got[p.Name], strings.Join(f.Schedule, " + "))
		}
	}
	return got, sum, dir
}

func TestPlantedBugFoundAtItsDepthOnce(t *testing.T) {
	s := tinySpace(t, "kill, shutdown-network-first", 3, "nameservers")
	got, sum := failures(t, s, Options{Depth: -1, Workers: 2, AfterRun: plantBug})
	// Both kills, at a, a; a, b (≅ b, a); b, b: three classes, each of two
	// faults, none reported twice.
	want := []string{
		"70s kill ns1 (moment a) + 70s kill ns2 (moment a)",
		"70s kill ns1 (moment a) + 1m6.1001s kill ns2 (moment b)",
		"1m6.1001s kill ns1 (moment b) + 1m6.1001s kill ns2 (moment b)",
	}
	if !slices.Equal(got["planted"], want) {
		t.Fatalf("planted failures:\n%s\nwant:\n%s", strings.Join(got["planted"], "\n"), strings.Join(want, "\n"))
	}
	var planted PropClaim
	for _, p := range sum.Properties {
		if p.Name == "planted" {
			planted = p
		}
	}
	if planted.Claim != Fails || planted.Failures[1].Class != 2 || planted.Failures[0].Class != 1 {
		t.Errorf("claim %s, classes %d and %d; want fails, 1 and 2", planted.Claim, planted.Failures[0].Class, planted.Failures[1].Class)
	}
	// Depth 3 adds supersets: each contains a failure, so none is
	// reported, and each is covered rather than judged.
	if planted.Covered == 0 || len(planted.Failures) != 3 {
		t.Errorf("covered %d, failures %d: supersets were not pruned", planted.Covered, len(planted.Failures))
	}
	// The real property never fails on this tiny cluster, and says so
	// over the whole space.
	if len(got["never-sent"]) != 0 {
		t.Errorf("never-sent failed: %v", got["never-sent"])
	}
	if n := sum.Schedules.Space; n != 1+8+28+56 {
		t.Errorf("space of %d schedules, want 93", n)
	}
}

// rename swaps ns1 and ns2 in a failure's words and sorts its faults.
func rename(f string) string {
	parts := strings.Split(f, " + ")
	for i, p := range parts {
		p = strings.ReplaceAll(p, "ns1", "ns#")
		p = strings.ReplaceAll(p, "ns2", "ns1")
		parts[i] = strings.ReplaceAll(p, "ns#", "ns2")
	}
	return strings.Join(parts, " + ")
}

// sameFaults compares two failures as sets of faults.
func sameFaults(a, b string) bool {
	x, y := strings.Split(a, " + "), strings.Split(b, " + ")
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

func TestSymmetryReductionIsSound(t *testing.T) {
	s := tinySpace(t, "kill, shutdown-network-first", 2, "nameservers")
	reduced, rs := failures(t, s, Options{Depth: -1, Workers: 2, AfterRun: plantBug})
	full, fs := failures(t, s, Options{Depth: -1, Workers: 2, AfterRun: plantBug, NoSymmetry: true})
	if rs.Schedules.Run >= fs.Schedules.Run {
		t.Fatalf("reduced run %d schedules, unreduced %d: no reduction", rs.Schedules.Run, fs.Schedules.Run)
	}
	// Every unreduced failure is a reduced one or its renaming, and every
	// reduced failure and its renaming are unreduced failures.
	inReduced := func(f string) bool {
		return slices.ContainsFunc(reduced["planted"], func(r string) bool { return sameFaults(r, f) || sameFaults(rename(r), f) })
	}
	for _, f := range full["planted"] {
		if !inReduced(f) {
			t.Errorf("unreduced failure %q is missing from the reduced run", f)
		}
	}
	for _, r := range reduced["planted"] {
		for _, f := range []string{r, rename(r)} {
			if !slices.ContainsFunc(full["planted"], func(x string) bool { return sameFaults(x, f) }) {
				t.Errorf("reduced failure %q (or its renaming) is not an unreduced failure", f)
			}
		}
	}
	if len(full["planted"]) != 4 || len(reduced["planted"]) != 3 {
		t.Errorf("%d unreduced and %d reduced failures, want 4 and 3", len(full["planted"]), len(reduced["planted"]))
	}
}

// files reads every file under dir (path → bytes).
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestShardMergeEqualsWholeForAnyWorkers(t *testing.T) {
	s := tinySpace(t, "kill, shutdown-network-first", 2, "nameservers")
	root := t.TempDir()
	write := func(dir string, opts Options) {
		opts.AfterRun, opts.Depth = plantBug, -1
		out, err := Check(context.Background(), s, opts)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Write(filepath.Join(root, dir), out); err != nil {
			t.Fatal(err)
		}
	}
	write("whole", Options{Workers: 1})
	write("whole4", Options{Workers: 4})
	prev := runtime.GOMAXPROCS(1)
	write("gomaxprocs1", Options{Workers: 3})
	runtime.GOMAXPROCS(prev)
	want := files(t, filepath.Join(root, "whole"))
	if len(want) < 5 {
		t.Fatalf("the whole check wrote %d files", len(want))
	}
	same := func(name string, got map[string][]byte) {
		t.Helper()
		for _, k := range sortedKeys(want) {
			if !bytes.Equal(got[k], want[k]) {
				t.Errorf("%s: %s differs from the whole check's", name, k)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: %d files, want %d", name, len(got), len(want))
		}
	}
	same("workers 4", files(t, filepath.Join(root, "whole4")))
	same("GOMAXPROCS 1", files(t, filepath.Join(root, "gomaxprocs1")))
	for _, n := range []int{2, 3} {
		var dirs []string
		for i := range n {
			d := fmt.Sprintf("s%d-%d", i, n)
			write(d, Options{Workers: 2, Shard: shard.Spec{Index: i, Of: n}})
			dirs = append(dirs, filepath.Join(root, d))
		}
		merged := filepath.Join(root, fmt.Sprintf("merged%d", n))
		if _, err := Merge(merged, dirs); err != nil {
			t.Fatal(err)
		}
		same(fmt.Sprintf("merge of %d shards", n), files(t, merged))
	}
	// Each line carries its run, and the failure files replay: parse.
	var l Line
	first, _, _ := bytes.Cut(want[RunsFile], []byte("\n"))
	if err := json.Unmarshal(first, &l); err != nil || l.Run != 0 || l.Size != 0 {
		t.Errorf("first line %s: %v", first, err)
	}
	for k, b := range want {
		if strings.HasPrefix(k, FailuresDir) {
			if _, err := scenarios.Parse(k, b); err != nil {
				t.Errorf("%s does not parse: %v", k, err)
			}
		}
	}
}

func TestFailureFileReplays(t *testing.T) {
	// The broker-tier loss class: a master powered off with a send in
	// flight, powered on later, loses acknowledged messages that were
	// only in its page cache. A two-fault space finds it, and the file
	// it writes replays to the same verdict.
	base, _ := filepath.Abs("../scenarios/spaces/broker-tier-base.yaml")
	text := fmt.Sprintf(`name: replay
scenario: %s
depth: 2
moments:
  - {name: in-flight, anchor: send-attempt, nth: 10, offset: 200us}
  - {name: recovery, at: E2 + 60s}
alphabet:
  - {kinds: [power-off], targets: [master01], at: [in-flight]}
  - {kinds: [power-on], targets: [master01], at: [recovery]}
properties:
  - name: lost
    verdict: no-acked-lost
    causes: [unflushed-lost, store-lost, acked-not-stored, offset-skipped]
    expect: fails
`, filepath.ToSlash(base))
	s, err := Parse(filepath.Join(t.TempDir(), "replay.yaml"), []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	got, sum, dir := failuresIn(t, s, Options{Depth: -1, Workers: 2})
	if len(got["lost"]) != 1 || !strings.Contains(got["lost"][0], "power-off master01") || !strings.Contains(got["lost"][0], "power-on master01") {
		t.Fatalf("failures %v, want the power-off and power-on of master01", got["lost"])
	}
	f := sum.Properties[0].Failures[0]
	if !strings.Contains(f.Cause, "acked") {
		t.Errorf("the failure's cause %q is not an acknowledged message's fate", f.Cause)
	}
	sc, err := scenarios.Load(filepath.Join(dir, f.File))
	if err != nil {
		t.Fatal(err)
	}
	res, err := scenarios.Run(sc, scenarios.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdicts["no-acked-lost"] != "fail" || !res.ExpectationsHeld() {
		t.Errorf("replayed %s: no-acked-lost %s, expectations held %v", f.File, res.Verdicts["no-acked-lost"], res.ExpectationsHeld())
	}
	lost := false
	for _, v := range res.Judgement.Violations {
		lost = lost || v.Cause == "unflushed-lost"
	}
	if !lost {
		t.Errorf("replayed %s: no unflushed-lost violation", f.File)
	}
}

func TestSchedulesWithEveryPropertyCoveredAreNotRun(t *testing.T) {
	// With the planted property alone, a three-fault schedule holding a
	// kill of each nameserver contains a minimal failure and is not run.
	// Of the 56 three-fault schedules of 8 pairs, 56 − 20 − 20 + 4 = 20
	// hold both kills; no three-fault schedule is its own renaming, so
	// they make 10 classes.
	s := tinySpace(t, "kill, shutdown-network-first", 3, "nameservers")
	s.Properties = s.Properties[:1]
	out, err := Check(context.Background(), s, Options{Depth: -1, Workers: 2, AfterRun: plantBug})
	if err != nil {
		t.Fatal(err)
	}
	notRun := 0
	for _, b := range out.Lines {
		var l Line
		if err := json.Unmarshal(b, &l); err != nil {
			t.Fatal(err)
		}
		if !l.Ran {
			notRun++
			if l.Size != 3 || l.Properties[0].CoveredBy == nil || l.Properties[0].Status != StatusCovered {
				t.Errorf("run %d not run, but size %d, status %s", l.Run, l.Size, l.Properties[0].Status)
			}
		}
	}
	if notRun != 10 {
		t.Errorf("%d schedules not run, want 10", notRun)
	}
}
