package modelcheck

import (
	"fmt"
	"slices"
)

// Pair is one fault of a schedule: a letter at a moment (indexes into
// Space.Letters and Space.Moments).
type Pair struct {
	Moment int `json:"moment"`
	Letter int `json:"letter"`
}

// Schedule is a set of pairs, as sorted indexes into Plan.Pairs. Faults
// at the same moment are applied in alphabet order.
type Schedule []int

// Plan is the space's job list: the pairs, ordered by (moment, letter),
// and every canonical schedule of up to Depth pairs, by size and then
// lexicographically.
type Plan struct {
	Pairs []Pair `json:"pairs"`
	// Raw[k] is how many schedules of k faults the space holds;
	// Levels[k] the canonical ones (one per class of renamings), the jobs.
	Raw    []int64      `json:"raw"`
	Levels [][]Schedule `json:"-"`
	// Orbits[k] is, for each canonical schedule of level k, how many
	// schedules its class holds (itself and its distinct renamings).
	Orbits [][]int `json:"-"`

	pairOf [][]int // [moment][letter] → pair index, -1 if not allowed
	perms  [][]int // pair permutations of the symmetry group
}

// MaxSchedules bounds the raw size of a space: enumerating more would
// take longer than anyone could run it.
const MaxSchedules = 5_000_000

// NewPlan enumerates the space to depth (the space's own if depth < 0).
// With symmetry false the group is ignored and every schedule is a job.
func NewPlan(s *Space, depth int, symmetry bool) (*Plan, error) {
	if depth < 0 {
		depth = s.Depth
	}
	g, err := newGroup(s)
	if err != nil {
		return nil, err
	}
	p := &Plan{pairOf: make([][]int, len(s.Moments))}
	for m := range s.Moments {
		p.pairOf[m] = slices.Repeat([]int{-1}, len(s.Letters))
	}
	for m := range s.Moments {
		for l, let := range s.Letters {
			if slices.Contains(let.Moments, m) {
				p.pairOf[m][l] = len(p.Pairs)
				p.Pairs = append(p.Pairs, Pair{Moment: m, Letter: l})
			}
		}
	}
	perms := g.perms
	if !symmetry {
		perms = perms[:1]
	}
	for _, lp := range perms {
		pp := make([]int, len(p.Pairs))
		for i, pr := range p.Pairs {
			pp[i] = p.pairOf[pr.Moment][lp[pr.Letter]]
		}
		p.perms = append(p.perms, pp)
	}
	var total int64
	for k := 0; k <= depth; k++ {
		n := binomial(len(p.Pairs), k)
		total += n
		if total > MaxSchedules {
			return nil, fmt.Errorf("%s: the space holds more than %d schedules at depth %d (%d pairs of moment and fault); lower the depth or the alphabet", s.Path, MaxSchedules, depth, len(p.Pairs))
		}
		p.Raw = append(p.Raw, n)
	}
	for k := 0; k <= depth; k++ {
		var level []Schedule
		var orbits []int
		combinations(len(p.Pairs), k, func(c []int) {
			if o, ok := p.canonical(c); ok {
				level = append(level, slices.Clone(c))
				orbits = append(orbits, o)
			}
		})
		p.Levels = append(p.Levels, level)
		p.Orbits = append(p.Orbits, orbits)
	}
	return p, nil
}

// Jobs is the number of canonical schedules (the job list's length).
func (p *Plan) Jobs() int {
	n := 0
	for _, l := range p.Levels {
		n += len(l)
	}
	return n
}

// Depth is the largest schedule size of the plan.
func (p *Plan) Depth() int { return len(p.Levels) - 1 }

// image is schedule c renamed by pair permutation pp, sorted.
func image(c []int, pp []int) []int {
	out := make([]int, len(c))
	for i, x := range c {
		out[i] = pp[x]
	}
	slices.Sort(out)
	return out
}

// canonical reports whether c is the least of its renamings, and how
// many distinct schedules its class holds.
func (p *Plan) canonical(c []int) (int, bool) {
	var seen [][]int
	for _, pp := range p.perms {
		im := image(c, pp)
		if slices.Compare(im, c) < 0 {
			return 0, false
		}
		if !slices.ContainsFunc(seen, func(x []int) bool { return slices.Equal(x, im) }) {
			seen = append(seen, im)
		}
	}
	return len(seen), true
}

// orbit lists the distinct renamings of c (c first).
func (p *Plan) orbit(c []int) [][]int {
	var out [][]int
	for _, pp := range p.perms {
		im := image(c, pp)
		if !slices.ContainsFunc(out, func(x []int) bool { return slices.Equal(x, im) }) {
			out = append(out, im)
		}
	}
	return out
}

// combinations calls fn with every k-subset of 0..n-1 in lexicographic
// order (fn must not keep the slice).
func combinations(n, k int, fn func([]int)) {
	if k > n {
		return
	}
	c := make([]int, k)
	for i := range c {
		c[i] = i
	}
	for {
		fn(c)
		i := k - 1
		for i >= 0 && c[i] == n-k+i {
			i--
		}
		if i < 0 {
			return
		}
		c[i]++
		for j := i + 1; j < k; j++ {
			c[j] = c[j-1] + 1
		}
	}
}

func binomial(n, k int) int64 {
	if k < 0 || k > n {
		return 0
	}
	r := int64(1)
	for i := 1; i <= k; i++ {
		r = r * int64(n-k+i) / int64(i)
	}
	return r
}
