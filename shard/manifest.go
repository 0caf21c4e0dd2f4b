package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ManifestFile is the manifest's name inside a shard's folder.
const ManifestFile = "shard.json"

// Manifest says which job list a folder holds a part of.
type Manifest struct {
	// Kind is the command that wrote it: "sweep" or "check".
	Kind string `json:"kind"`
	// Fingerprint identifies the job list: a hash of every input that
	// decides the jobs (the spec, scenario files, grid, seeds). Folders
	// of different job lists never merge.
	Fingerprint string `json:"fingerprint"`
	// Shard and Of are the shard this folder holds (0 and 1: all).
	Shard int `json:"shard"`
	Of    int `json:"of"`
	// Jobs is the length of the whole job list; Done how many of this
	// shard's jobs have a line (less than owned when it was stopped).
	Jobs int `json:"jobs"`
	Done int `json:"done"`
}

// Spec is the shard the manifest describes.
func (m Manifest) Spec() Spec { return Spec{Index: m.Shard, Of: m.Of} }

// Complete reports whether every job the shard owns has its line.
func (m Manifest) Complete() bool { return m.Done == m.Spec().Count(m.Jobs) }

// Fingerprint hashes the parts (each length-prefixed, so the boundaries
// count) into 16 hex digits of SHA-256.
func Fingerprint(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:", len(p))
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// WriteManifest writes dir/shard.json.
func WriteManifest(dir string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o644)
}

// ReadManifest reads dir/shard.json; its error names the file.
func ReadManifest(dir string) (Manifest, error) {
	p := filepath.Join(dir, ManifestFile)
	b, err := os.ReadFile(p)
	if err != nil {
		return Manifest{}, fmt.Errorf("%s: not a shard folder: %w", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return Manifest{}, fmt.Errorf("%s: %w", p, err)
	}
	if m.Of < 1 || m.Shard < 0 || m.Shard >= m.Of || m.Fingerprint == "" || m.Kind == "" {
		return Manifest{}, fmt.Errorf("%s: bad manifest (kind %q, shard %d/%d, fingerprint %q)", p, m.Kind, m.Shard, m.Of, m.Fingerprint)
	}
	return m, nil
}
