// Command server runs the Partner Hub API and its administrative sub-commands:
//
//	server [serve]     run the HTTP server (the default)
//	server migrate     create or update the database schema
//	server seed        build a realistic partner with demo or benchmark data
//	server bootstrap   create a partner with its first FULL_ADMIN and print a token
//	server token       mint a token for an existing admin
//	server bench       seed a benchmark partner once and measure the server
//
// Every sub-command takes the configuration flags; `server <cmd> -h` lists them.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"
)

// Garbage-collector defaults for a server whose requests allocate many short-lived
// objects on a live heap of a few megabytes: collecting at 13× the live heap instead of
// Go's 2× collects a few times a second instead of dozens (a page of 50 customers
// allocates about 0.7 MB), which gave the directory benchmark about a fifth more requests
// per second than 4× did, side by side; the soft limit keeps the process under its 256 MB
// budget whatever the percentage. The standard GOGC and GOMEMLIMIT variables override them.
const (
	gcPercent   = 1200
	memoryLimit = 192 << 20
)

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "partnerhub:", err)
		}
		os.Exit(1)
	}
}

// command is one sub-command: it registers its own flags and runs with the config.
type command struct {
	usage string
	flags func(fs *flag.FlagSet) func(ctx context.Context, env *env) error
}

// env is what a sub-command runs with.
type env struct {
	cfg    *Config
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
}

var commands = map[string]command{
	"serve":     serveCommand,
	"migrate":   migrateCommand,
	"seed":      seedCommand,
	"bootstrap": bootstrapCommand,
	"token":     tokenCommand,
	"bench":     benchCommand,
}

// run parses args and runs the chosen sub-command.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	cmd, ok := commands[name]
	if !ok {
		return fmt.Errorf("unknown command %q: use serve, migrate, seed, bootstrap or token", name)
	}
	fs := flag.NewFlagSet("server "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg, envErr := bindConfig(fs, getenv)
	runCmd := cmd.flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: server %s [flags]\n\n%s\n\nflags:\n", name, cmd.usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if envErr != nil {
		return envErr
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	return runCmd(ctx, &env{cfg: cfg, stdout: stdout, stderr: stderr, now: time.Now})
}
