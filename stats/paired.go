package stats

import (
	"math"
	"slices"
)

// McNemarResult is the exact McNemar test of paired yes/no outcomes:
// OnlyA pairs were yes under A only, OnlyB under B only.
type McNemarResult struct {
	Both  int     `json:"both"`
	OnlyA int     `json:"only_a"`
	OnlyB int     `json:"only_b"`
	None  int     `json:"neither"`
	P     float64 `json:"p"`
}

// McNemar tests whether A and B differ on paired outcomes a[i], b[i]:
// under the null the discordant pairs split evenly, so the two-sided p
// is twice the binomial(OnlyA+OnlyB, 1/2) tail at min(OnlyA, OnlyB),
// capped at 1 (1 when no pair is discordant).
func McNemar(a, b []bool) McNemarResult {
	var r McNemarResult
	for i := range a {
		switch {
		case a[i] && b[i]:
			r.Both++
		case a[i]:
			r.OnlyA++
		case b[i]:
			r.OnlyB++
		default:
			r.None++
		}
	}
	n, k := r.OnlyA+r.OnlyB, min(r.OnlyA, r.OnlyB)
	if n == 0 {
		r.P = 1
		return r
	}
	var tail float64
	for i := 0; i <= k; i++ {
		tail += math.Exp(logChoose(n, i) - float64(n)*math.Ln2)
	}
	r.P = Round(min(1, 2*tail))
	return r
}

func logChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// Diff is the mean of paired differences B − A with a paired bootstrap
// 95 % interval; N is the number of pairs with both values defined.
type Diff struct {
	N    int     `json:"n"`
	Mean float64 `json:"mean"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
}

// PairedDiff resamples the pairs (not each side alone), so what the two
// runs of a seed share cancels out.
func PairedDiff(a, b []float64, seed uint64) Diff {
	ds := make([]float64, len(a))
	for i := range a {
		ds[i] = b[i] - a[i]
	}
	if len(ds) == 0 {
		return Diff{}
	}
	slices.Sort(ds)
	lo, hi := bootstrapMean(ds, seed)
	return Diff{N: len(ds), Mean: Round(mean(ds)), Lo: Round(lo), Hi: Round(hi)}
}
