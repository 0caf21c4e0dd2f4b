package metrics

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Value is one metric of one run: a yes/no for a Rate, a number for a
// Dist, or undefined. Its JSON is true/false, a number, or null.
type Value struct {
	Kind    Kind
	Yes     bool
	X       float64
	Defined bool
}

// Yes is a defined rate value.
func yes(b bool) Value { return Value{Kind: Rate, Yes: b, Defined: true} }

// num is a defined distribution value.
func num(x float64) Value { return Value{Kind: Dist, X: x, Defined: true} }

// undefined is a distribution value with nothing to measure.
var undefined = Value{Kind: Dist}

// MarshalJSON writes true/false, the number, or null.
func (v Value) MarshalJSON() ([]byte, error) {
	switch {
	case !v.Defined:
		return []byte("null"), nil
	case v.Kind == Rate:
		return strconv.AppendBool(nil, v.Yes), nil
	default:
		if math.IsNaN(v.X) || math.IsInf(v.X, 0) {
			return nil, fmt.Errorf("metrics: non-finite value %v", v.X)
		}
		return strconv.AppendFloat(nil, v.X, 'g', -1, 64), nil
	}
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (v *Value) UnmarshalJSON(b []byte) error {
	var x any
	if err := json.Unmarshal(b, &x); err != nil {
		return err
	}
	switch t := x.(type) {
	case nil:
		*v = undefined
	case bool:
		*v = yes(t)
	case float64:
		*v = num(t)
	default:
		return fmt.Errorf("metrics: want true, false, a number or null, got %s", b)
	}
	return nil
}

// Set is a run's metrics by name (JSON: an object with sorted keys).
type Set map[string]Value
