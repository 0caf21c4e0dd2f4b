package shard

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Line is one job's JSON line with the job index it carries.
type Line struct {
	Run  int
	Data []byte
}

// ReadLines reads a JSONL file of job lines, each with its "run" field;
// errors name the file and line.
func ReadLines(path string) ([]Line, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []Line
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	for n := 1; sc.Scan(); n++ {
		var head struct {
			Run *int `json:"run"`
		}
		data := slices.Clone(sc.Bytes())
		if err := json.Unmarshal(data, &head); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		if head.Run == nil {
			return nil, fmt.Errorf("%s:%d: no \"run\" field", path, n)
		}
		out = append(out, Line{Run: *head.Run, Data: data})
	}
	return out, sc.Err()
}

// Merge checks that dirs are every shard of one job list of the given
// kind, exactly once and each complete, and returns the manifest of the
// whole list and the lines of file (e.g. "runs.jsonl") from every folder
// in job order. Its error names every missing, duplicated, incomplete or
// foreign folder.
func Merge(kind, file string, dirs []string) (Manifest, []Line, error) {
	if len(dirs) == 0 {
		return Manifest{}, nil, fmt.Errorf("merge: no shard folders given")
	}
	ms := make([]Manifest, len(dirs))
	for i, d := range dirs {
		m, err := ReadManifest(d)
		if err != nil {
			return Manifest{}, nil, err
		}
		ms[i] = m
	}
	first := ms[0]
	var probs []string
	owner := make(map[int]string)
	for i, m := range ms {
		switch {
		case m.Kind != kind:
			probs = append(probs, fmt.Sprintf("%s holds a %s, not a %s", dirs[i], m.Kind, kind))
			continue
		case m.Fingerprint != first.Fingerprint || m.Jobs != first.Jobs:
			probs = append(probs, fmt.Sprintf("%s is from another %s (fingerprint %s, %s has %s)", dirs[i], kind, m.Fingerprint, dirs[0], first.Fingerprint))
			continue
		case m.Of != first.Of:
			probs = append(probs, fmt.Sprintf("%s is shard %s, but %s is shard %s: every folder must come from the same -shard I/N", dirs[i], m.Spec(), dirs[0], first.Spec()))
			continue
		case !m.Complete():
			probs = append(probs, fmt.Sprintf("%s is incomplete: %d of its %d runs (it was stopped; run shard %s again)", dirs[i], m.Done, m.Spec().Count(m.Jobs), m.Spec()))
		}
		if o, dup := owner[m.Shard]; dup {
			probs = append(probs, fmt.Sprintf("shard %s given twice: %s and %s", m.Spec(), o, dirs[i]))
			continue
		}
		owner[m.Shard] = dirs[i]
	}
	if len(probs) == 0 {
		var missing []string
		for s := range first.Of {
			if _, ok := owner[s]; !ok {
				missing = append(missing, Spec{Index: s, Of: first.Of}.String())
			}
		}
		if len(missing) > 0 {
			probs = append(probs, "missing shard "+strings.Join(missing, ", "))
		}
	}
	if len(probs) > 0 {
		return Manifest{}, nil, fmt.Errorf("merge: %s", strings.Join(probs, "; "))
	}
	var all []Line
	for i, d := range dirs {
		lines, err := ReadLines(filepath.Join(d, file))
		if err != nil {
			return Manifest{}, nil, err
		}
		for _, l := range lines {
			if !ms[i].Spec().Owns(l.Run) || l.Run >= first.Jobs {
				return Manifest{}, nil, fmt.Errorf("%s: run %d does not belong to shard %s", filepath.Join(d, file), l.Run, ms[i].Spec())
			}
		}
		all = append(all, lines...)
	}
	slices.SortFunc(all, func(a, b Line) int { return a.Run - b.Run })
	for i, l := range all {
		if l.Run != i {
			return Manifest{}, nil, fmt.Errorf("merge: run %d is missing or repeated (found run %d in its place)", i, l.Run)
		}
	}
	whole := first
	whole.Shard, whole.Of, whole.Done = 0, 1, first.Jobs
	return whole, all, nil
}
