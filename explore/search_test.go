package explore

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"rmqsim/scenarios"
)

// searchRecorder is the rapid.TB a counterexample search runs under:
// rapid reports its (shrunk) failure to it instead of failing the test,
// so that the failure is data the test asserts on.
type searchRecorder struct {
	name   string
	failed bool
	errors []string
	logs   []string
}

func (r *searchRecorder) Helper()      {}
func (r *searchRecorder) Name() string { return r.name }
func (r *searchRecorder) Logf(f string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(f, args...))
}
func (r *searchRecorder) Log(args ...any) { r.logs = append(r.logs, fmt.Sprint(args...)) }
func (r *searchRecorder) Skipf(f string, args ...any) {
	r.logs = append(r.logs, "skip: "+fmt.Sprintf(f, args...))
}
func (r *searchRecorder) Skip(args ...any) { r.logs = append(r.logs, "skip: "+fmt.Sprint(args...)) }
func (r *searchRecorder) SkipNow()         {}
func (r *searchRecorder) Errorf(f string, args ...any) {
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(f, args...))
}
func (r *searchRecorder) Error(args ...any) {
	r.failed = true
	r.errors = append(r.errors, fmt.Sprint(args...))
}
func (r *searchRecorder) Fatalf(f string, args ...any) {
	r.Errorf(f, args...)
}
func (r *searchRecorder) Fatal(args ...any) { r.Error(args...) }
func (r *searchRecorder) FailNow()          { r.failed = true }
func (r *searchRecorder) Fail()             { r.failed = true }
func (r *searchRecorder) Failed() bool      { return r.failed }

// found is what a counterexample search returns.
type found struct {
	// Case is the shrunk counterexample: the last failing case rapid
	// ran, which is its minimised one (rapid re-runs it to print it).
	Case *Case
	// Why is the property's complaint about it.
	Why string
	// Seed is rapid's starting seed; Tests how many cases it tried
	// before the first failure; Find and Shrink the wall time of the
	// search and of the shrinking.
	Seed         uint64
	Tests        int
	Find, Shrink time.Duration
}

// defaultSearchSeed is the starting seed of the counterexample searches
// unless -rapid.seed or RAPID_SEED gives one (0: a random one). A pinned
// seed makes the search, and so `go test`, deterministic: the same code
// finds the same counterexample, shrunk the same way. Any seed finds one
// (each property fails in one case in 30–100); this one is just fixed.
const defaultSearchSeed = 1

// searchChecks is how many cases a search tries at most unless
// -rapid.checks or RAPID_CHECKS says otherwise (a fifth under -short, as
// rapid does). A search stops at its first counterexample, which comes
// after some tens of cases, so the cap costs nothing when the property fails as known; it only
// makes missing it vanishingly unlikely whatever the seed.
const searchChecks = 2000

// searchShrinkTime bounds rapid's shrinking in a search unless
// -rapid.shrinktime or RAPID_SHRINKTIME says otherwise (rapid's default is
// 30 s). The shrinks here finish in a few seconds; the bound only keeps a
// slow machine from spending half a minute per search.
const searchShrinkTime = 20 * time.Second

// search runs the property under rapid with a recording TB, expecting a
// counterexample: violated returns why the case breaks the property, or
// "" when it holds. Runs that use their event budget are skipped (rapid:
// invalid). It fails the test if rapid finds no counterexample.
func search(t *testing.T, gen *rapid.Generator[*Case], violated func(*Case, *scenarios.Result) string) found {
	t.Helper()
	seed := uint64(defaultSearchSeed)
	if v, ok := os.LookupEnv("RAPID_SEED"); ok || flagGiven("rapid.seed") {
		if !ok {
			v = flag.Lookup("rapid.seed").Value.String()
		}
		seed, _ = strconv.ParseUint(v, 0, 64)
	} else {
		setFlag(t, "rapid.seed", strconv.FormatUint(seed, 10))
	}
	if _, ok := os.LookupEnv("RAPID_CHECKS"); !ok && !flagGiven("rapid.checks") {
		setFlag(t, "rapid.checks", strconv.Itoa(searchChecks))
	}
	if _, ok := os.LookupEnv("RAPID_SHRINKTIME"); !ok && !flagGiven("rapid.shrinktime") {
		setFlag(t, "rapid.shrinktime", searchShrinkTime.String())
	}
	var f found
	f.Seed = seed
	start := time.Now()
	prop := func(rt *rapid.T) {
		c := gen.Draw(rt, "case")
		res := runCase(rt, c)
		if budgetExhausted(res) {
			rt.Skipf("the run used its event budget before the horizon")
		}
		why := violated(c, res)
		if why == "" {
			if f.Find == 0 {
				f.Tests++
			}
			return
		}
		if f.Find == 0 {
			f.Find = time.Since(start)
		}
		f.Case, f.Why = c, why
		rt.Fatalf("%s", why)
	}
	rec := &searchRecorder{name: t.Name()}
	rapid.Check(rec, prop)
	f.Shrink = time.Since(start) - f.Find
	for _, l := range rec.logs {
		if strings.Contains(l, "[shrink] done") {
			t.Log(l)
		}
	}
	if !rec.failed || f.Case == nil {
		t.Fatalf("rapid found no counterexample in %d cases (seed %d); the property is known to fail in RocketMQ 4.8",
			f.Tests, seed)
	}
	if !strings.Contains(strings.Join(rec.errors, "\n"), "[rapid] failed after") {
		t.Fatalf("rapid did not confirm the failure (nondeterministic run?):\n%s", strings.Join(rec.errors, "\n"))
	}
	return f
}

// setFlag sets one of rapid's flags for the rest of the test.
func setFlag(t *testing.T, name, value string) {
	t.Helper()
	old := flag.Lookup(name).Value.String()
	if err := flag.Set(name, value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set(name, old) })
}
