package stats

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-4 }

// TestWilsonKnownValues: intervals from the closed form, checked against
// published values (e.g. 0/10 → [0, 0.2775], 5/10 → [0.2366, 0.7634]).
func TestWilsonKnownValues(t *testing.T) {
	for _, c := range []struct {
		k, n   int
		lo, hi float64
	}{{0, 10, 0, 0.277533}, {5, 10, 0.236590, 0.763410}, {10, 10, 0.722467, 1}, {1, 16, 0.011119, 0.283269}} {
		r := Wilson(c.k, c.n)
		if !near(r.Lo, c.lo) || !near(r.Hi, c.hi) {
			t.Errorf("Wilson(%d, %d) = [%v, %v], want [%v, %v]", c.k, c.n, r.Lo, r.Hi, c.lo, c.hi)
		}
	}
	if r := Wilson(0, 0); r != (Rate{}) {
		t.Errorf("Wilson(0, 0) = %+v", r)
	}
}

func TestDescribe(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3, 10, 6, 7, 9, 8}
	d := Describe(xs, 2, 1)
	if d.N != 10 || d.Mean != 5.5 || d.P50 != 5 || d.P90 != 9 || d.P99 != 10 || d.Max != 10 || d.Missing != 2 {
		t.Fatalf("Describe = %+v", d)
	}
	if !(d.Lo < d.Mean && d.Mean < d.Hi) || d.Lo < 1 || d.Hi > 10 {
		t.Fatalf("bootstrap interval [%v, %v] does not bracket the mean", d.Lo, d.Hi)
	}
	if d2 := Describe(xs, 2, 1); d2 != d {
		t.Fatalf("same seed, other result: %+v vs %+v", d2, d)
	}
	if xs[0] != 5 {
		t.Fatal("Describe sorted its input")
	}
	if c := Describe([]float64{3, 3, 3}, 0, 9); c.Lo != 3 || c.Hi != 3 {
		t.Fatalf("constant values: %+v", c)
	}
}

// TestMcNemarExact: the exact p for small tables, computed by hand from
// the binomial: 0 vs 6 discordant → 2·(1/64) = 0.03125; 1 vs 5 → 2·7/64.
func TestMcNemarExact(t *testing.T) {
	mk := func(onlyA, onlyB, both int) ([]bool, []bool) {
		var a, b []bool
		for range onlyA {
			a, b = append(a, true), append(b, false)
		}
		for range onlyB {
			a, b = append(a, false), append(b, true)
		}
		for range both {
			a, b = append(a, true), append(b, true)
		}
		return a, b
	}
	for _, c := range []struct {
		a, b int
		p    float64
	}{{0, 6, 0.03125}, {1, 5, 0.21875}, {3, 3, 1}, {0, 0, 1}} {
		a, b := mk(c.a, c.b, 4)
		r := McNemar(a, b)
		if !near(r.P, c.p) || r.OnlyA != c.a || r.OnlyB != c.b || r.Both != 4 {
			t.Errorf("McNemar(%d, %d) = %+v, want p %v", c.a, c.b, r, c.p)
		}
	}
}

func TestPairedDiffCancelsSharedNoise(t *testing.T) {
	a := []float64{100, 3, 50, 7, 1000, 20}
	b := make([]float64, len(a))
	for i := range a {
		b[i] = a[i] + 2
	}
	d := PairedDiff(a, b, 3)
	if d.Mean != 2 || d.Lo != 2 || d.Hi != 2 || d.N != 6 {
		t.Fatalf("PairedDiff = %+v, want exactly 2", d)
	}
}

func TestRound(t *testing.T) {
	if Round(0.1+0.2) != 0.3 || Round(123456789) != 123457000 || Round(-0.000123456789) != -0.000123457 {
		t.Fatal(Round(0.1+0.2), Round(123456789), Round(-0.000123456789))
	}
}
