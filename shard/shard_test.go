package shard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, ok := range []string{"0/1", "2/3", " 1/2 "} {
		if _, err := Parse(ok); err != nil {
			t.Errorf("Parse(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"3/3", "-1/2", "1", "a/b", "0/0", "1/-2"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func TestCountMatchesOwns(t *testing.T) {
	for of := 1; of <= 5; of++ {
		for idx := range of {
			s := Spec{idx, of}
			for n := range 12 {
				c := 0
				for i := range n {
					if s.Owns(i) {
						c++
					}
				}
				if got := s.Count(n); got != c {
					t.Fatalf("%s Count(%d) = %d, want %d", s, n, got, c)
				}
			}
		}
	}
}

// slowFirst makes early jobs finish last, so ordering is really tested.
func slowFirst(n int) Job {
	return func(i int) ([]byte, error) {
		x := 0
		for k := range (n - i) * 20000 {
			x += k
		}
		return fmt.Appendf(nil, `{"run":%d,"x":%d}`, i, x%7), nil
	}
}

func TestEachEmitsInJobOrderForAnyWorkers(t *testing.T) {
	for _, w := range []int{1, 2, 7} {
		var got []int
		n, err := Each(context.Background(), 40, Spec{1, 3}, w, slowFirst(40), func(i int, _ []byte) error {
			got = append(got, i)
			return nil
		}, nil)
		if want := (Spec{1, 3}).Count(40); err != nil || n != want {
			t.Fatalf("workers %d: n=%d err=%v", w, n, err)
		}
		for k, i := range got {
			if i != 1+3*k {
				t.Fatalf("workers %d: emitted %v, want 1, 4, 7, ...", w, got)
			}
		}
	}
}

func TestEachCancelledLeavesAPrefix(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var got []int
	n, err := Each(ctx, 100, Whole, 3, slowFirst(100), func(i int, _ []byte) error {
		got = append(got, i)
		if i == 10 {
			cancel()
		}
		return nil
	}, nil)
	if !errors.Is(err, context.Canceled) || n >= 100 || n != len(got) {
		t.Fatalf("n=%d err=%v", n, err)
	}
	for k, i := range got {
		if i != k {
			t.Fatalf("not a prefix: %v", got)
		}
	}
}

func TestEachStopsOnJobError(t *testing.T) {
	boom := errors.New("boom")
	ran := 0
	_, err := Each(context.Background(), 1000, Whole, 1, func(i int) ([]byte, error) {
		ran++
		if i == 3 {
			return nil, boom
		}
		return []byte(`{}`), nil
	}, func(int, []byte) error { return nil }, nil)
	if !errors.Is(err, boom) || ran > 10 {
		t.Fatalf("err=%v after %d jobs", err, ran)
	}
}

// writeShard runs spec of a 10-job list into a fresh folder.
func writeShard(t *testing.T, dir string, spec Spec, fp string, jobs int) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	n, err := Each(context.Background(), jobs, spec, 2, slowFirst(jobs), func(_ int, l []byte) error {
		b.Write(l)
		b.WriteByte('\n')
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "runs.jsonl"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	m := Manifest{Kind: "sweep", Fingerprint: fp, Shard: spec.Index, Of: spec.Of, Jobs: jobs, Done: n}
	if err := WriteManifest(dir, m); err != nil {
		t.Fatal(err)
	}
}

func TestMergeGivesTheWholeList(t *testing.T) {
	root := t.TempDir()
	writeShard(t, filepath.Join(root, "whole"), Whole, "f1", 10)
	_, want, err := Merge("sweep", "runs.jsonl", []string{filepath.Join(root, "whole")})
	if err != nil {
		t.Fatal(err)
	}
	for of := 1; of <= 3; of++ {
		var dirs []string
		for i := of - 1; i >= 0; i-- { // any folder order
			d := filepath.Join(root, fmt.Sprintf("s%d-%d", i, of))
			writeShard(t, d, Spec{i, of}, "f1", 10)
			dirs = append(dirs, d)
		}
		m, got, err := Merge("sweep", "runs.jsonl", dirs)
		if err != nil {
			t.Fatalf("N=%d: %v", of, err)
		}
		if m.Of != 1 || m.Done != 10 || len(got) != len(want) {
			t.Fatalf("N=%d: manifest %+v, %d lines", of, m, len(got))
		}
		for i := range got {
			if string(got[i].Data) != string(want[i].Data) {
				t.Fatalf("N=%d line %d: %s, want %s", of, i, got[i].Data, want[i].Data)
			}
		}
	}
}

func TestMergeNamesBadShards(t *testing.T) {
	root := t.TempDir()
	d := func(n string) string { return filepath.Join(root, n) }
	writeShard(t, d("a0"), Spec{0, 3}, "f1", 10)
	writeShard(t, d("a1"), Spec{1, 3}, "f1", 10)
	writeShard(t, d("a2"), Spec{2, 3}, "f1", 10)
	writeShard(t, d("b2"), Spec{2, 3}, "other", 10)
	writeShard(t, d("c1"), Spec{1, 2}, "f1", 10)
	cases := []struct {
		dirs []string
		want string
	}{
		{[]string{d("a0"), d("a1")}, "missing shard 2/3"},
		{[]string{d("a0"), d("a1"), d("a1"), d("a2")}, "shard 1/3 given twice"},
		{[]string{d("a0"), d("a1"), d("b2")}, "b2 is from another sweep"},
		{[]string{d("a0"), d("c1"), d("a2")}, "c1 is shard 1/2"},
		{[]string{d("a0"), root}, "not a shard folder"},
	}
	for _, c := range cases {
		_, _, err := Merge("sweep", "runs.jsonl", c.dirs)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Merge(%v) = %v, want an error with %q", c.dirs, err, c.want)
		}
	}
	m, _ := ReadManifest(d("a2"))
	m.Done--
	if err := WriteManifest(d("a2"), m); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Merge("sweep", "runs.jsonl", []string{d("a0"), d("a1"), d("a2")}); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Errorf("incomplete shard: %v", err)
	}
	if _, _, err := Merge("check", "runs.jsonl", []string{d("a0"), d("a1"), d("a2")}); err == nil || !strings.Contains(err.Error(), "not a check") {
		t.Errorf("wrong kind: %v", err)
	}
}
