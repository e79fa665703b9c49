package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// everyCommand is what a user can type after `server`.
var everyCommand = []string{"serve", "migrate", "seed", "bootstrap", "token", "bench", "help"}

func TestHelp(t *testing.T) {
	nothing := func(string) string { return "" }
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"-help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run(context.Background(), args, nothing, &out, &errOut); err != nil {
				t.Fatalf("help failed: %v", err)
			}
			lines := strings.Split(out.String(), "\n")
			for _, name := range everyCommand {
				n := 0
				for _, line := range lines {
					if f := strings.Fields(line); len(f) > 2 && f[0] == name {
						n++
					}
				}
				if n != 1 {
					t.Errorf("help shows %d lines for %s, want one:\n%s", n, name, out.String())
				}
			}
		})
	}
	for _, args := range [][]string{{"help", "seed"}, {"seed", "-h"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			if err := run(context.Background(), args, nothing, &out, &errOut); err != nil {
				t.Fatalf("help failed: %v", err)
			}
			if got := out.String(); !strings.HasPrefix(got, "usage: server seed") || !strings.Contains(got, "-customers") || !strings.Contains(got, "PARTNERHUB_ADDR") {
				t.Errorf("%v printed:\n%s", args, got)
			}
		})
	}
	t.Run("ErrUnknownCommand", func(t *testing.T) {
		var out, errOut bytes.Buffer
		err := run(context.Background(), []string{"frobnicate"}, nothing, &out, &errOut)
		if err == nil {
			t.Fatal("unknown command succeeded")
		}
		for _, name := range everyCommand {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("%q leaves out %s", err, name)
			}
		}
	})
}
