// Command npmfetch vendors GraphiQL and React for the page at "/": it downloads the pinned
// npm tarballs, refuses any whose sha512 differs from the integrity the registry published
// for that version, and writes the few files the page loads, byte for byte, into ../dist
// (relative to the graphiql package, where go generate runs it). Anything else in dist is
// removed, so the directory holds exactly what the pins name.
//
// The registry is https://registry.npmjs.org unless NPM_CONFIG_REGISTRY names a mirror;
// the integrity check makes a mirror as safe as the registry itself.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// pkg is one pinned npm release and the files taken from its tarball.
type pkg struct {
	name, version string
	// integrity is the registry's dist.integrity for the version (npm view NAME@VERSION dist.integrity).
	integrity string
	// files maps a path inside the tarball to the file name written into dist.
	files map[string]string
}

// pins are the releases the page loads: GraphiQL 4 is the last line with a UMD build that
// runs from plain script tags, on React 18, the last React with UMD builds.
var pins = []pkg{
	{
		name: "graphiql", version: "4.1.2",
		integrity: "sha512-rNlzQIAzm6i2KBXmVQWBgLvt0TloxFVB2d18bukvdsvjEuFDHsKx5IVOomL1W1o5WW+tE54+ioHb2AEKzO2cUg==",
		files: map[string]string{
			"package/graphiql.min.js":  "graphiql.min.js",
			"package/graphiql.min.css": "graphiql.min.css",
			"package/LICENSE":          "graphiql.LICENSE",
		},
	},
	{
		name: "react", version: "18.2.0",
		integrity: "sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==",
		files: map[string]string{
			"package/umd/react.production.min.js": "react.production.min.js",
			"package/LICENSE":                     "react.LICENSE",
		},
	},
	{
		name: "react-dom", version: "18.2.0",
		integrity: "sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==",
		files: map[string]string{
			"package/umd/react-dom.production.min.js": "react-dom.production.min.js",
			"package/LICENSE":                         "react-dom.LICENSE",
		},
	},
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("npmfetch: ")
	registry := strings.TrimSuffix(os.Getenv("NPM_CONFIG_REGISTRY"), "/")
	if registry == "" {
		registry = "https://registry.npmjs.org"
	}
	if err := run(context.Background(), registry, filepath.Join("dist")); err != nil {
		log.Fatal(err)
	}
}

// run vendors every pin into dir, writing nothing unless every tarball is fetched and
// verified.
func run(ctx context.Context, registry, dir string) error {
	out := map[string][]byte{}
	for _, p := range pins {
		tgz, err := download(ctx, registry, p)
		if err != nil {
			return err
		}
		if err := verify(tgz, p); err != nil {
			return err
		}
		files, err := extract(tgz, p)
		if err != nil {
			return err
		}
		maps.Copy(out, files)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, data := range out {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	return removeOthers(dir, out)
}

// download fetches p's tarball, failing on anything but a 200 within a minute.
func download(ctx context.Context, registry string, p pkg) ([]byte, error) {
	url := fmt.Sprintf("%s/%s/-/%s-%s.tgz", registry, p.name, p.name, p.version)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download %s@%s (the npm registry must be reachable): %w", p.name, p.version, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download %s: %s", url, resp.Status)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", url, err)
	}
	return body, nil
}

// verify checks tgz against p's pinned sha512 integrity.
func verify(tgz []byte, p pkg) error {
	sum := sha512.Sum512(tgz)
	got := "sha512-" + base64.StdEncoding.EncodeToString(sum[:])
	if got != p.integrity {
		return fmt.Errorf("%s@%s: tarball integrity is %s, pinned %s: refusing it", p.name, p.version, got, p.integrity)
	}
	return nil
}

// extract returns the files p names from tgz, keyed by their name in dist.
func extract(tgz []byte, p pkg) (map[string][]byte, error) {
	gz, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		return nil, fmt.Errorf("%s@%s: %w", p.name, p.version, err)
	}
	out := make(map[string][]byte, len(p.files))
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s@%s: %w", p.name, p.version, err)
		}
		name, ok := p.files[h.Name]
		if !ok || h.Typeflag != tar.TypeReg {
			continue
		}
		if out[name], err = io.ReadAll(tr); err != nil {
			return nil, fmt.Errorf("%s@%s: read %s: %w", p.name, p.version, h.Name, err)
		}
	}
	for path := range p.files {
		if _, ok := out[p.files[path]]; !ok {
			return nil, fmt.Errorf("%s@%s: the tarball has no %s", p.name, p.version, path)
		}
	}
	return out, nil
}

// removeOthers deletes every file in dir that is not in keep.
func removeOthers(dir string, keep map[string][]byte) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if _, ok := keep[e.Name()]; !ok {
			if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
