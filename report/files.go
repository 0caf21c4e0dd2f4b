package report

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// removeOldPlots deletes the timelines a previous report left in dir, so
// that a class that no longer exists leaves no plot behind.
func removeOldPlots(dir string) error {
	for _, pattern := range []string{"timeline-*.png", "timeline-*.svg"} {
		old, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			return err
		}
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// classLabel is the i-th outcome class's letter: A … Z, AA, AB, ….
func classLabel(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return classLabel(i/26-1) + classLabel(i%26)
}

// seedList is the runs' seeds as ranges: "1–3, 5".
func seedList(runs []*Run) string {
	xs := make([]int, len(runs))
	for i, r := range runs {
		xs[i] = int(r.Seed)
	}
	sort.Ints(xs)
	return ranges(xs)
}

// ranges writes sorted numbers as runs: "0–12, 14".
func ranges(xs []int) string {
	out := ""
	for i := 0; i < len(xs); {
		j := i
		for j+1 < len(xs) && xs[j+1] == xs[j]+1 {
			j++
		}
		if out != "" {
			out += ", "
		}
		if j > i {
			out += fmt.Sprintf("%d–%d", xs[i], xs[j])
		} else {
			out += itoa(xs[i])
		}
		i = j + 1
	}
	if out == "" {
		return "none"
	}
	return out
}
