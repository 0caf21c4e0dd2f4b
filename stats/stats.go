package stats

import (
	"math"
	"math/rand/v2"
	"slices"
)

// z95 is the standard normal quantile for a two-sided 95 % interval.
const z95 = 1.959963984540054

// Resamples is how many bootstrap resamples an interval draws.
const Resamples = 2000

// Rate is k successes of n, with its Wilson 95 % interval.
type Rate struct {
	K  int     `json:"k"`
	N  int     `json:"n"`
	P  float64 `json:"p"`
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
}

// Wilson is k/n with its Wilson score 95 % interval (n = 0: all zero).
func Wilson(k, n int) Rate {
	if n == 0 {
		return Rate{}
	}
	p := float64(k) / float64(n)
	nf := float64(n)
	z2 := z95 * z95
	den := 1 + z2/nf
	mid := (p + z2/(2*nf)) / den
	half := z95 * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / den
	return Rate{K: k, N: n, P: Round(p), Lo: Round(max(0, mid-half)), Hi: Round(min(1, mid+half))}
}

// Dist describes the values of a quantity over runs.
type Dist struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	Max  float64 `json:"max"`
	// Lo and Hi bound the mean: a bootstrap 95 % percentile interval.
	Lo float64 `json:"lo"`
	Hi float64 `json:"hi"`
	// Missing counts the runs where the quantity was undefined (e.g. no
	// send succeeded after the fault); they are not in N.
	Missing int `json:"missing,omitempty"`
}

// Describe summarises xs (any order; not modified). seed fixes the
// bootstrap's stream, so the interval is a function of (xs, seed).
func Describe(xs []float64, missing int, seed uint64) Dist {
	d := Dist{N: len(xs), Missing: missing}
	if len(xs) == 0 {
		return d
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	d.Mean = Round(mean(s))
	d.P50, d.P90, d.P99 = Round(Quantile(s, 0.5)), Round(Quantile(s, 0.9)), Round(Quantile(s, 0.99))
	d.Max = Round(s[len(s)-1])
	lo, hi := bootstrapMean(s, seed)
	d.Lo, d.Hi = Round(lo), Round(hi)
	return d
}

// Quantile is the nearest-rank q-quantile of sorted xs: the smallest
// value with at least a fraction q of the values at or below it.
func Quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// bootstrapMean is the 2.5 % and 97.5 % percentiles of the means of
// Resamples resamples of xs drawn with replacement.
func bootstrapMean(xs []float64, seed uint64) (lo, hi float64) {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	means := make([]float64, Resamples)
	n := len(xs)
	for b := range means {
		var s float64
		for range n {
			s += xs[r.IntN(n)]
		}
		means[b] = s / float64(n)
	}
	slices.Sort(means)
	return Quantile(means, 0.025), Quantile(means, 0.975)
}

// Round keeps 6 significant digits, so that printed values do not carry
// the last bits of floating-point sums.
func Round(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	e := math.Floor(math.Log10(math.Abs(x)))
	scale := math.Pow(10, 5-e)
	return math.Round(x*scale) / scale
}

// Overlap reports whether the intervals [alo, ahi] and [blo, bhi] meet.
func Overlap(alo, ahi, blo, bhi float64) bool { return alo <= bhi && blo <= ahi }
