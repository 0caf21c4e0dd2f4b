package scenarios

import (
	"fmt"
	"strings"
)

// Pos is where a mapping came from: its line, its field path in the
// scenario (e.g. "faults[2]"), and the line of each of its keys. The
// decoder fills it in every struct that has a Src field.
type Pos struct {
	Line   int
	Path   string
	Fields map[string]int
}

// LineOf is the line of field key, else the mapping's own line.
func (p Pos) LineOf(key string) int {
	if l, ok := p.Fields[key]; ok {
		return l
	}
	return p.Line
}

// Field is the path of one field of the mapping.
func (p Pos) Field(key string) string {
	if p.Path == "" {
		return key
	}
	return p.Path + "." + key
}

// Problem is one thing wrong with a scenario, at a file, line and field.
type Problem struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in a scenario, one a line. Loading
// reports all of them at once rather than stopping at the first.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// maxProblems keeps a badly broken file from flooding the terminal.
const maxProblems = 20

// problems collects Problems for one file.
type problems struct {
	file string
	list Problems
}

func (ps *problems) add(line int, field, format string, args ...any) {
	if len(ps.list) >= maxProblems {
		return
	}
	ps.list = append(ps.list, Problem{File: ps.file, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// at adds a problem with field key of the mapping at src.
func (ps *problems) at(src Pos, key, format string, args ...any) {
	ps.add(src.LineOf(key), src.Field(key), format, args...)
}

// err returns the problems as an error, or nil if there are none.
func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	return ps.list
}
