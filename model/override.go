package model

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Set overrides one parameter by its key "<component>.<field>", e.g.
// "client.pollNameServerInterval" = "10s". Durations need a unit ("3000ms",
// "30s"); an unknown key, a wrong type or a bad unit is an error naming the
// key.
func (c *Config) Set(key, value string) error {
	f, ok := c.field(key)
	if !ok {
		return fmt.Errorf("unknown parameter %q (see 'simulate params' or docs/parameters.md)", key)
	}
	if err := setValue(f.v, f.enum, value); err != nil {
		return fmt.Errorf("parameter %q: %w", key, err)
	}
	return nil
}

// Get returns a parameter's current value as text.
func (c *Config) Get(key string) (string, bool) {
	f, ok := c.field(key)
	if !ok {
		return "", false
	}
	return formatValue(f.v), true
}

// Keys lists every parameter key, sorted.
func Keys() []string {
	var c Config
	var out []string
	walk(reflect.ValueOf(&c).Elem(), func(key string, _ reflect.Value, _ string) { out = append(out, key) })
	sort.Strings(out)
	return out
}

type fieldRef struct {
	v    reflect.Value
	enum string
}

// fieldPath is where a key's field is in Config: component, field.
type fieldPath struct {
	comp, field int
	enum        string
}

// fieldPaths indexes every key once, at package init: Set and Get are
// called for every override of every scenario and variant a loader checks.
var fieldPaths = func() map[string]fieldPath {
	out := map[string]fieldPath{}
	t := reflect.TypeOf(Config{})
	for i := 0; i < t.NumField(); i++ {
		comp, st := t.Field(i).Tag.Get("key"), t.Field(i).Type
		for j := 0; j < st.NumField(); j++ {
			sf := st.Field(j)
			out[comp+"."+sf.Tag.Get("key")] = fieldPath{comp: i, field: j, enum: sf.Tag.Get("enum")}
		}
	}
	return out
}()

func (c *Config) field(key string) (fieldRef, bool) {
	p, ok := fieldPaths[key]
	if !ok {
		return fieldRef{}, false
	}
	return fieldRef{v: reflect.ValueOf(c).Elem().Field(p.comp).Field(p.field), enum: p.enum}, true
}

func walk(v reflect.Value, fn func(key string, v reflect.Value, enum string)) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		comp := t.Field(i).Tag.Get("key")
		sv := v.Field(i)
		st := sv.Type()
		for j := 0; j < st.NumField(); j++ {
			sf := st.Field(j)
			fn(comp+"."+sf.Tag.Get("key"), sv.Field(j), sf.Tag.Get("enum"))
		}
	}
}

var durationType = reflect.TypeOf(time.Duration(0))

func setValue(v reflect.Value, enum, s string) error {
	s = strings.TrimSpace(s)
	switch {
	case v.Type() == durationType:
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("want a duration with a unit such as 3000ms or 30s, got %q", s)
		}
		if d < 0 {
			return fmt.Errorf("want a non-negative duration, got %q", s)
		}
		v.SetInt(int64(d))
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("want an integer, got %q", s)
		}
		v.SetInt(n)
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("want true or false, got %q", s)
		}
		v.SetBool(b)
	case v.Kind() == reflect.String:
		if enum != "" && !contains(strings.Split(enum, ","), s) {
			return fmt.Errorf("want one of %s, got %q", enum, s)
		}
		v.SetString(s)
	default:
		return fmt.Errorf("unsupported type %s", v.Type())
	}
	return nil
}

func formatValue(v reflect.Value) string {
	switch {
	case v.Type() == durationType:
		return time.Duration(v.Int()).String()
	case v.Kind() == reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case v.Kind() == reflect.String:
		return v.String()
	default:
		return strconv.FormatInt(v.Int(), 10)
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
