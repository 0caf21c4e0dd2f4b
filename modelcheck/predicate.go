package modelcheck

import (
	"fmt"
	"strconv"
	"strings"

	"rmqsim/metrics"
)

// predicate is a metric property's failWhen: for a rate, "true" (it
// happened) or "false"; for a distribution, a comparison with a number
// ("> 0", ">= 3", "== 0").
type predicate struct {
	kind metrics.Kind
	yes  bool
	op   string
	x    float64
}

var ops = []string{">=", "<=", "==", "!=", ">", "<"}

func parsePredicate(s string, kind metrics.Kind) (predicate, error) {
	s = strings.TrimSpace(s)
	p := predicate{kind: kind}
	if kind == metrics.Rate {
		switch s {
		case "true", "":
			p.yes = true
		case "false":
		default:
			return p, fmt.Errorf("a rate metric fails when true or false, got %q", s)
		}
		return p, nil
	}
	for _, op := range ops {
		if rest, ok := strings.CutPrefix(s, op); ok {
			x, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			if err != nil {
				return p, fmt.Errorf("want a comparison with a number, e.g. \"> 0\", got %q", s)
			}
			p.op, p.x = op, x
			return p, nil
		}
	}
	return p, fmt.Errorf("a distribution metric needs failWhen: a comparison such as \"> 0\" or \">= 3\", got %q", s)
}

// fails applies the predicate: (fails, decided). An undefined value
// decides nothing.
func (p predicate) fails(v metrics.Value) (bool, bool) {
	if !v.Defined {
		return false, false
	}
	if p.kind == metrics.Rate {
		return v.Yes == p.yes, true
	}
	switch p.op {
	case ">=":
		return v.X >= p.x, true
	case "<=":
		return v.X <= p.x, true
	case "==":
		return v.X == p.x, true
	case "!=":
		return v.X != p.x, true
	case ">":
		return v.X > p.x, true
	default:
		return v.X < p.x, true
	}
}
