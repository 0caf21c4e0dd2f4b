package modelcheck

import (
	"fmt"
	"slices"
	"strings"

	"rmqsim/scenarios"
)

// group is the symmetry group a space declares, as permutations of its
// letters. perms[0] is the identity. A renaming maps hosts to hosts of
// the same role (nameservers among themselves; broker groups of the same
// shape, master to master and slave to slave), and a letter to the same
// kind on the renamed target.
type group struct {
	perms [][]int
	// renames are the host renamings behind perms, for the report.
	renames []map[string]string
}

// newGroup builds the group and checks that the alphabet is closed
// under it: every renamed letter is in the alphabet at the same moments.
func newGroup(s *Space) (*group, error) {
	maps := []map[string]string{{}}
	for _, class := range s.Symmetry {
		var next []map[string]string
		for _, r := range classRenames(s.base, class) {
			for _, m := range maps {
				c := map[string]string{}
				for k, v := range m {
					c[k] = v
				}
				for k, v := range r {
					c[k] = v
				}
				next = append(next, c)
			}
		}
		maps = next
	}
	g := &group{}
	index := map[string]int{}
	for i, l := range s.Letters {
		index[l.String()] = i
	}
	var probs scenarios.Problems
	for _, m := range maps {
		perm := make([]int, len(s.Letters))
		for i, l := range s.Letters {
			r := Letter{Kind: l.Kind, Target: renameTarget(l.Target, m)}
			if l.Between != nil {
				var sides [][]string
				for _, side := range l.Between {
					var hs []string
					for _, h := range side {
						hs = append(hs, renameTarget(h, m))
					}
					sides = append(sides, hs)
				}
				r.Between = normSides(sides)
			}
			j, ok := index[r.String()]
			if !ok || !slices.Equal(s.Letters[j].Moments, l.Moments) {
				probs = append(probs, scenarios.Problem{File: s.Path, Line: l.line, Field: l.field,
					Msg: fmt.Sprintf("symmetry %s: the alphabet has %s at %s but not %s at the same moments (add it, or drop the symmetry)",
						strings.Join(s.Symmetry, ", "), l, s.momentNames(l.Moments), r)})
				continue
			}
			perm[i] = j
		}
		g.perms = append(g.perms, perm)
		g.renames = append(g.renames, m)
	}
	if len(probs) > 0 {
		slices.SortFunc(probs, func(a, b scenarios.Problem) int { return a.Line - b.Line })
		return nil, slices.Compact(probs)[:min(len(slices.Compact(probs)), 20)]
	}
	return g, nil
}

func (s *Space) momentNames(ix []int) string {
	var b []string
	for _, i := range ix {
		b = append(b, s.Moments[i].Name)
	}
	return "[" + strings.Join(b, ", ") + "]"
}

func renameTarget(t string, m map[string]string) string {
	host, svc, has := strings.Cut(t, "/")
	if r, ok := m[host]; ok {
		host = r
	}
	if has {
		return host + "/" + svc
	}
	return host
}

// classRenames lists every renaming of one class: every permutation of
// the nameservers, or of the broker groups of each shape (with a slave
// or without), identity first.
func classRenames(sc *scenarios.Scenario, class string) []map[string]string {
	c := sc.Cluster
	switch class {
	case SymNameServers:
		var hosts []string
		for _, n := range c.NameServers {
			hosts = append(hosts, n.Host)
		}
		var out []map[string]string
		for _, p := range permutations(len(hosts)) {
			m := map[string]string{}
			for i, j := range p {
				m[hosts[i]] = hosts[j]
			}
			out = append(out, m)
		}
		return out
	default: // broker groups
		shapes := [][]int{nil, nil} // without a slave, with one
		for i, b := range c.Brokers {
			k := 0
			if b.Slave != nil {
				k = 1
			}
			shapes[k] = append(shapes[k], i)
		}
		out := []map[string]string{{}}
		for _, members := range shapes {
			var next []map[string]string
			for _, p := range permutations(len(members)) {
				for _, base := range out {
					m := map[string]string{}
					for k, v := range base {
						m[k] = v
					}
					for i, j := range p {
						from, to := c.Brokers[members[i]], c.Brokers[members[j]]
						m[from.Master.Host] = to.Master.Host
						if from.Slave != nil {
							m[from.Slave.Host] = to.Slave.Host
						}
					}
					next = append(next, m)
				}
			}
			out = next
		}
		return out
	}
}

// permutations of 0..n-1 in lexicographic order (identity first).
func permutations(n int) [][]int {
	if n == 0 {
		return [][]int{{}}
	}
	var out [][]int
	p := make([]int, n)
	used := make([]bool, n)
	var rec func(k int)
	rec = func(k int) {
		if k == n {
			out = append(out, slices.Clone(p))
			return
		}
		for i := range n {
			if !used[i] {
				used[i], p[k] = true, i
				rec(k + 1)
				used[i] = false
			}
		}
	}
	rec(0)
	return out
}
