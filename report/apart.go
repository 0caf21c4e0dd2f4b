package report

// What sets a variant's outcome classes apart, read from the runs'
// client programs: which nameserver each asked first (a new Java client
// starts at a random one, facts §3.4) and how it ended.

// programFacts are a run's programs whose outcome can differ between
// seeds, as "program → what it asked first, how it ended".
func programFacts(r *Run) map[string]string {
	m := map[string]string{}
	for i := range r.programs {
		p := &r.programs[i]
		m[p.name] = p.choice() + ", " + p.outcome()
	}
	return m
}

// apart lists, per class, the program facts that set it apart: facts
// about a program whose outcome is not the same in every run of the
// variant, taken where they are the same in every run of the class.
// Facts that vary only with the nameserver choice, with no effect on how
// the program ended, are left out.
func (v *variantRuns) apart() map[*class][]string {
	out := map[*class][]string{}
	for _, name := range v.programNames() {
		if !v.outcomeVaries(name) {
			continue
		}
		for _, c := range v.classes {
			if val, ok := commonFact(c.runs, name); ok {
				out[c] = append(out[c], name+": "+val)
			}
		}
	}
	return out
}

// programNames lists the program names of the variant's runs in the
// order they first appear.
func (v *variantRuns) programNames() []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range v.runs {
		for _, p := range r.programs {
			if !seen[p.name] {
				seen[p.name] = true
				out = append(out, p.name)
			}
		}
	}
	return out
}

// outcomeVaries reports whether the named program did not end the same
// way (or did not run) in every run of the variant.
func (v *variantRuns) outcomeVaries(name string) bool {
	first, seen := "", false
	for _, r := range v.runs {
		o := "did not run"
		for i := range r.programs {
			if r.programs[i].name == name {
				o = r.programs[i].outcome()
			}
		}
		if seen && o != first {
			return true
		}
		first, seen = o, true
	}
	return false
}

// commonFact is the named program's fact if it is the same in every run.
func commonFact(runs []*Run, name string) (string, bool) {
	val := ""
	for i, r := range runs {
		f, ok := programFacts(r)[name]
		if !ok || (i > 0 && f != val) {
			return "", false
		}
		val = f
	}
	return val, true
}
