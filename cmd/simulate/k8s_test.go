package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

const manifest = "../../deploy/k8s/sweep-job.yaml"

// decodeManifest splits the manifest into its documents and decodes each
// strictly (unknown fields are errors) into its Kubernetes API type.
func decodeManifest(t *testing.T) (pvc *corev1.PersistentVolumeClaim, sweepJob, mergeJob *batchv1.Job) {
	t.Helper()
	b, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	for i, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1) {
		var head struct{ Kind string }
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			t.Fatalf("document %d: %v", i+1, err)
		}
		switch head.Kind {
		case "PersistentVolumeClaim":
			pvc = &corev1.PersistentVolumeClaim{}
			if err := yaml.UnmarshalStrict([]byte(doc), pvc); err != nil {
				t.Fatalf("document %d (PersistentVolumeClaim): %v", i+1, err)
			}
		case "Job":
			j := &batchv1.Job{}
			if err := yaml.UnmarshalStrict([]byte(doc), j); err != nil {
				t.Fatalf("document %d (Job): %v", i+1, err)
			}
			if j.Spec.CompletionMode != nil && *j.Spec.CompletionMode == batchv1.IndexedCompletion {
				sweepJob = j
			} else {
				mergeJob = j
			}
		default:
			t.Fatalf("document %d: unexpected kind %q", i+1, head.Kind)
		}
	}
	if pvc == nil || sweepJob == nil || mergeJob == nil {
		t.Fatalf("want a PersistentVolumeClaim, an Indexed Job and a merge Job; got %v %v %v", pvc != nil, sweepJob != nil, mergeJob != nil)
	}
	return pvc, sweepJob, mergeJob
}

// TestK8sManifestRejectsUnknownFields: the strict decoding this test
// relies on does catch a misspelt field.
func TestK8sManifestRejectsUnknownFields(t *testing.T) {
	var j batchv1.Job
	if err := yaml.UnmarshalStrict([]byte("apiVersion: batch/v1\nkind: Job\nspec:\n  completionz: 4\n"), &j); err == nil {
		t.Fatal("a Job with completionz decoded without error")
	}
}

// expand does what the kubelet does to a container's args: $(VAR) is
// replaced by the container's env var VAR, $$ is a literal $, and an
// unknown reference is left as written.
func expand(s string, env map[string]string) string {
	return regexp.MustCompile(`\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)`).ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		if v, ok := env[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// podEnv is the env of the container in the pod with the given completion
// index: values as written, and the downward-API annotation the Job
// controller sets to the index.
func podEnv(t *testing.T, c corev1.Container, index int) map[string]string {
	t.Helper()
	env := map[string]string{"JOB_COMPLETION_INDEX": strconv.Itoa(index)}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			env[e.Name] = expand(e.Value, env)
		case e.ValueFrom.FieldRef != nil && e.ValueFrom.FieldRef.FieldPath == "metadata.annotations['batch.kubernetes.io/job-completion-index']":
			env[e.Name] = strconv.Itoa(index)
		default:
			t.Fatalf("env %s: a source the test cannot emulate", e.Name)
		}
	}
	return env
}

// TestK8sIndexedJobShardsMerge: the manifest is a valid Indexed Job whose
// pods shard the sweep N ways into the shared volume, and a merge Job over
// exactly those N folders; run locally the way the pods run (each with
// its JOB_COMPLETION_INDEX), the merged folder equals the unsharded sweep.
// The pods' review file is replaced by testdata/k8s-review.yaml (and the
// volume by a temporary folder) so that it runs in seconds.
func TestK8sIndexedJobShardsMerge(t *testing.T) {
	_, job, merge := decodeManifest(t)
	n := int(*job.Spec.Completions)
	if job.Spec.Parallelism == nil || *job.Spec.Parallelism < 1 || *job.Spec.Parallelism > int32(n) {
		t.Fatalf("parallelism %v for %d completions", job.Spec.Parallelism, n)
	}
	if job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q: a pod that fails should be replaced, not restarted in place", job.Spec.Template.Spec.RestartPolicy)
	}
	c := job.Spec.Template.Spec.Containers[0]
	if len(c.Command) != 1 || c.Command[0] != "simulate" || len(c.Args) == 0 || c.Args[0] != "sweep" {
		t.Fatalf("container runs %v %v, want simulate sweep ...", c.Command, c.Args)
	}
	if len(c.VolumeMounts) != 1 {
		t.Fatalf("want one volume mount, got %d", len(c.VolumeMounts))
	}
	mount := c.VolumeMounts[0].MountPath
	data := t.TempDir()
	local := func(arg string) string {
		if rest, ok := strings.CutPrefix(arg, mount); ok {
			return filepath.Join(data, rest)
		}
		return arg
	}
	var dirs []string
	for i := range n {
		env := podEnv(t, c, i)
		var args []string
		for j := 1; j < len(c.Args); j++ {
			a := local(expand(c.Args[j], env))
			if c.Args[j-1] == "-spec" {
				a = "testdata/k8s-review.yaml"
			}
			if c.Args[j-1] == "-shard" && a != fmt.Sprintf("%d/%d", i, n) {
				t.Fatalf("pod %d runs -shard %s, want %d/%d", i, a, i, n)
			}
			if c.Args[j-1] == "-out" {
				dirs = append(dirs, a)
			}
			args = append(args, a)
		}
		if code, _, stderr := simulate(t, append([]string{"sweep"}, args...)...); code != exitOK {
			t.Fatalf("pod %d: simulate sweep %v: exit %d: %s", i, args, code, stderr)
		}
	}
	mc := merge.Spec.Template.Spec.Containers[0]
	if len(mc.Args) < 3 || mc.Args[0] != "merge" || mc.Args[1] != "-out" {
		t.Fatalf("merge Job runs %v", mc.Args)
	}
	var mdirs []string
	for _, a := range mc.Args[3:] {
		mdirs = append(mdirs, local(a))
	}
	if strings.Join(mdirs, " ") != strings.Join(dirs, " ") {
		t.Fatalf("the merge Job reads %v, but the pods write %v", mdirs, dirs)
	}
	merged := local(mc.Args[2])
	if code, _, stderr := simulate(t, append([]string{"merge", "-out", merged}, mdirs...)...); code != exitOK {
		t.Fatalf("merge: exit %d: %s", code, stderr)
	}
	whole := filepath.Join(t.TempDir(), "whole")
	if code, _, stderr := simulate(t, "sweep", "-spec", "testdata/k8s-review.yaml", "-out", whole); code != exitOK {
		t.Fatalf("unsharded: exit %d: %s", code, stderr)
	}
	want, got := readTree(t, whole), readTree(t, merged)
	sameTree(t, "merged Job output", want, got)
	if !bytes.Contains(want["shard.json"], []byte(`"of": 1`)) {
		t.Errorf("the merged manifest is not a whole sweep:\n%s", want["shard.json"])
	}
}
