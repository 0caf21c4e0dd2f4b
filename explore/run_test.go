package explore

import (
	"flag"
	"os"
	"testing"

	"rmqsim/scenarios"
)

// TestMain turns rapid's failfiles off unless asked for
// (-rapid.nofailfile=false or RAPID_NOFAILFILE=false): every failure here
// prints its case as a scenario file, which replays the failure with
// `simulate run` and outlives any change to the generators, and the
// known-failure searches fail on purpose. No failfile is left behind.
func TestMain(m *testing.M) {
	flag.Parse()
	flag.Visit(func(f *flag.Flag) { givenFlags[f.Name] = true })
	if _, env := os.LookupEnv("RAPID_NOFAILFILE"); !env && !flagGiven("rapid.nofailfile") {
		if err := flag.Set("rapid.nofailfile", "true"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}

// givenFlags are the flags the command line set (before any test sets
// one).
var givenFlags = map[string]bool{}

// flagGiven reports whether the command line set the flag.
func flagGiven(name string) bool { return givenFlags[name] }

// fataler is what runCase needs of a *testing.T or a *rapid.T.
type fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// runCase writes the case as a scenario file, parses it back and runs it.
// A file that does not parse is a bug of this package, so it fails the
// test.
func runCase(t fataler, c *Case) *scenarios.Result {
	t.Helper()
	sc, err := c.Scenario()
	if err != nil {
		t.Fatalf("generated scenario does not parse: %v\n%s", err, c.YAML(""))
	}
	res, err := scenarios.Run(sc, scenarios.RunOptions{})
	if err != nil {
		t.Fatalf("run: %v\n%s", err, c.YAML(""))
	}
	return res
}

// budgetExhausted reports whether the run stopped at its event budget
// before the horizon (see Budget). Properties about what happens by the
// horizon cannot judge such a run: they skip it, which rapid counts as
// an invalid case, never as a pass.
func budgetExhausted(res *scenarios.Result) bool { return res.Outcome == "budget-exhausted" }
