package scenarios

import (
	"sort"
	"strings"
)

// faultCommon are the fields every fault may have.
var faultCommon = []string{"name", "description", "at", "kind"}

func (v *validator) faults() {
	services := v.s.hostServices()
	names := map[string]bool{}
	for _, f := range v.s.Faults {
		if f.Name != "" {
			if !nameRE.MatchString(f.Name) || names[f.Name] {
				v.ps.at(f.Src, "name", "want a unique fault name (letters, digits, '-', '_', '.'), got %q", f.Name)
			}
			names[f.Name] = true
		}
		if f.At == nil {
			v.ps.at(f.Src, "at", "required: when the fault happens")
		}
		k := findKind(f.Kind)
		if k == nil {
			v.ps.at(f.Src, "kind", "unknown fault kind %q (want one of %s)", f.Kind, strings.Join(kindNames(), ", "))
			continue
		}
		v.faultFields(f, k)
		switch k.target {
		case "service":
			v.serviceTarget(f, services)
		case "host":
			if strings.Contains(f.Target, "/") || !v.hosts[f.Target] {
				v.ps.at(f.Src, "target", "kind %s needs a host of the cluster, got %q", f.Kind, f.Target)
			}
		}
		if f.Between != nil || f.Kind == "partition" {
			v.between(f)
		}
		for _, key := range []string{"from", "to"} {
			h := map[string]string{"from": f.From, "to": f.To}[key]
			if _, given := f.Src.Fields[key]; given && !v.hosts[h] {
				v.ps.at(f.Src, key, "no host %q in the cluster", h)
			}
		}
		if f.Loss < 0 || f.Loss >= 1 {
			v.ps.at(f.Src, "loss", "want a probability in [0, 1), got %g", f.Loss)
		}
	}
}

// faultFields refuses fields that do not apply to the kind and requires
// the kind's own fields.
func (v *validator) faultFields(f Fault, k *faultKind) {
	allowed := append(append(append([]string(nil), faultCommon...), k.required...), k.optional...)
	if k.target != "" {
		allowed = append(allowed, "target")
		if _, ok := f.Src.Fields["target"]; !ok {
			v.ps.at(f.Src, "target", "required for kind %s", f.Kind)
		}
	}
	keys := make([]string, 0, len(f.Src.Fields))
	for key := range f.Src.Fields {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if !contains(allowed, key) {
			v.ps.at(f.Src, key, "does not apply to kind %s (it takes %s)", f.Kind, strings.Join(allowed[1:], ", "))
		}
	}
	for _, key := range k.required {
		if _, ok := f.Src.Fields[key]; !ok {
			v.ps.at(f.Src, key, "required for kind %s", f.Kind)
		}
	}
}

func (v *validator) serviceTarget(f Fault, services map[string][]string) {
	host, svc := splitTarget(f.Target)
	switch {
	case !v.hosts[host]:
		v.ps.at(f.Src, "target", "no host %q in the cluster", host)
	case strings.Contains(f.Target, "/") && !contains(services[host], svc):
		v.ps.at(f.Src, "target", "no service %q on %s (it runs: %s)", svc, host, strings.Join(services[host], ", "))
	}
}

func (v *validator) between(f Fault) {
	if len(f.Between) != 2 || len(f.Between[0]) == 0 || len(f.Between[1]) == 0 {
		v.ps.at(f.Src, "between", "want two non-empty groups of hosts, e.g. [[client01], [nameserver01, nameserver02]]")
		return
	}
	for _, g := range f.Between {
		for _, h := range g {
			if !v.hosts[h] {
				v.ps.at(f.Src, "between", "no host %q in the cluster", h)
			}
		}
	}
}

// whens checks that every time refers to a declared step or program and
// that no step waits, directly or not, for itself.
func (v *validator) whens() {
	steps := map[string]*Step{}
	for i := range v.s.Steps {
		steps[v.s.Steps[i].Name] = &v.s.Steps[i]
	}
	progs := map[string]program{}
	for _, p := range v.s.Programs.programs() {
		progs[p.name] = p
	}
	check := func(w *When) {
		if w == nil || w.Anchor == "" {
			return
		}
		if w.Exit {
			if _, ok := progs[w.Anchor]; !ok {
				v.ps.add(w.Line, w.Path, "no program %q (have: %s)", w.Anchor, strings.Join(sortedNames(progs), ", "))
			}
			return
		}
		if _, ok := steps[w.Anchor]; !ok {
			hint := ""
			if _, isProg := progs[w.Anchor]; isProg {
				hint = "; to wait for a program write \"" + w.Anchor + " exits\""
			}
			v.ps.add(w.Line, w.Path, "no step %q (have: %s)%s", w.Anchor, strings.Join(sortedNames(steps), ", "), hint)
		}
	}
	for _, st := range v.s.Steps {
		check(st.At)
		check(st.End)
	}
	for _, p := range v.s.Programs.programs() {
		check(p.life.Start)
		check(p.life.Stop)
		check(p.life.Kill)
	}
	for _, f := range v.s.Faults {
		check(f.At)
	}
	for _, d := range v.s.Programs.Dashboards {
		for _, vi := range d.Visits {
			check(vi.At)
			check(vi.Begin)
			check(vi.End)
		}
	}
	check(v.s.Judge.HealAt)
	if len(v.ps.list) == 0 {
		v.cycles(steps, progs)
	}
}

// cycles refuses steps that wait for themselves: a step waits for its
// `at` anchor, a program's exit for the program's start.
func (v *validator) cycles(steps map[string]*Step, progs map[string]program) {
	dep := func(node string) *When {
		kind, name, _ := strings.Cut(node, ":")
		if kind == "step" {
			return steps[name].At
		}
		return progs[name].life.Start
	}
	anchorOf := func(w *When) string {
		switch {
		case w == nil || w.Anchor == "":
			return ""
		case w.Exit:
			return "exit:" + w.Anchor
		}
		return "step:" + w.Anchor
	}
	type start struct {
		node string
		src  Pos
		key  string
	}
	var starts []start
	for _, st := range v.s.Steps {
		starts = append(starts, start{"step:" + st.Name, st.Src, "at"})
	}
	for _, p := range v.s.Programs.programs() {
		starts = append(starts, start{"exit:" + p.name, p.src, "start"})
	}
	for _, s := range starts {
		chain := []string{s.node}
		for n := anchorOf(dep(s.node)); n != ""; n = anchorOf(dep(n)) {
			if n == s.node {
				v.ps.at(s.src, s.key, "waits for itself: %s", strings.Join(append(chain, n), " → "))
				break
			}
			if contains(chain, n) {
				break // a cycle not through s: reported from its own members
			}
			chain = append(chain, n)
		}
	}
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// normalize fills the documented defaults of optional fields.
func (s *Scenario) normalize() {
	if s.CountsFrom == "" {
		s.CountsFrom = "logs"
	}
	for i := range s.Programs.Producers {
		p := &s.Programs.Producers[i]
		if p.Mode == "" {
			p.Mode = "sync"
		}
		if p.OnError == "" {
			p.OnError = "abort"
		}
	}
	for i := range s.Programs.Consumers {
		if s.Programs.Consumers[i].SubExpression == "" {
			s.Programs.Consumers[i].SubExpression = "*"
		}
	}
}
