package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha512"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tarball returns a gzipped npm tarball holding files.
func tarball(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

func integrity(b []byte) string {
	sum := sha512.Sum512(b)
	return "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
}

func TestRun(t *testing.T) {
	tgz := tarball(t, map[string]string{"package/a.js": "a();", "package/README.md": "not taken"})
	registry := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/lib/-/lib-1.0.0.tgz" {
			http.NotFound(w, r)
			return
		}
		w.Write(tgz)
	}))
	defer registry.Close()
	withPins := func(t *testing.T, p pkg) {
		old := pins
		pins = []pkg{p}
		t.Cleanup(func() { pins = old })
	}
	good := pkg{name: "lib", version: "1.0.0", integrity: integrity(tgz), files: map[string]string{"package/a.js": "a.js"}}

	t.Run("OK", func(t *testing.T) {
		withPins(t, good)
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "stale.js"), []byte("old"), 0o644)
		if err := run(t.Context(), registry.URL, dir); err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(dir)
		if b, _ := os.ReadFile(filepath.Join(dir, "a.js")); string(b) != "a();" || len(entries) != 1 {
			t.Errorf("dist holds %d files, a.js = %q; want a.js alone, byte for byte", len(entries), b)
		}
	})
	for name, tc := range map[string]struct {
		p    pkg
		want string
	}{
		"ErrIntegrity":   {pkg{name: "lib", version: "1.0.0", integrity: integrity([]byte("other")), files: good.files}, "refusing it"},
		"ErrMissingFile": {pkg{name: "lib", version: "1.0.0", integrity: good.integrity, files: map[string]string{"package/b.js": "b.js"}}, "has no package/b.js"},
		"ErrNotFound":    {pkg{name: "lib", version: "2.0.0", integrity: good.integrity, files: good.files}, "404"},
	} {
		t.Run(name, func(t *testing.T) {
			old := pins
			pins = []pkg{good, tc.p}
			t.Cleanup(func() { pins = old })
			dir := t.TempDir()
			err := run(t.Context(), registry.URL, dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("run = %v, want an error saying %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a failed run wrote %d files", len(entries))
			}
		})
	}
}
