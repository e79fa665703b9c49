// Command server runs the Partner Hub API and its administrative sub-commands:
//
//	server [serve]     run the HTTP server (the default)
//	server migrate     apply the migration files the database lacks (--dry-run: print their SQL)
//	server seed        build a realistic partner with demo or benchmark data
//	server bootstrap   create a partner with its first FULL_ADMIN and print a token
//	server token       mint a token for an existing admin
//	server admin add|set-role|remove   add an admin, change a role, remove an admin
//	server bench       seed a benchmark partner once and measure the server
//	server help        list the commands, or with a command name its flags
//
// Every sub-command takes the configuration flags; `server help <cmd>` lists them.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Garbage-collector defaults for a server whose requests allocate many short-lived
// objects on a live heap of a few megabytes: collecting at 13× the live heap instead of
// Go's 2× collects a few times a second instead of dozens (a page of 50 customers
// allocates about 0.7 MB), which gave the directory benchmark about a fifth more requests
// per second than 4× did, side by side; the soft limit keeps the process under its 256 MB
// budget whatever the percentage. The standard GOGC and GOMEMLIMIT variables override them
// (tuneGC, when a command opens the app).
const (
	gcPercent   = 1200
	memoryLimit = 192 << 20
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "partnerhub:", err)
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

// commands lists every sub-command with the one line `server help` shows for it, in the
// order it shows them; run dispatches from the same table. A two-word name ("admin add")
// is a command with sub-commands.
var commands = []struct {
	name, summary string
	cmd           command
}{
	{"serve", "run the HTTP server (the default command)", serveCommand},
	{"migrate", "apply the migration files the database lacks, then exit (--dry-run prints their SQL)", migrateCommand},
	{"seed", "build a new partner with realistic demo or benchmark data", seedCommand},
	{"bootstrap", "create a partner with its first FULL_ADMIN and print a token", bootstrapCommand},
	{"token", "mint a token for an existing admin", tokenCommand},
	{"admin add", "add an admin to a partner (FULL_ADMIN, ADMIN or READ_ONLY_ADMIN)", adminAddCommand},
	{"admin set-role", "change an admin's role, keeping the partner a FULL_ADMIN", adminSetRoleCommand},
	{"admin remove", "remove an admin: revoke their tokens and assignments", adminRemoveCommand},
	{"bench", "seed a benchmark partner once and measure the server", benchCommand},
}

// helpSummary is the line of the help command, which the table cannot hold: it reads it.
const helpSummary = "list the commands, or with a command name that command's flags"

// lookup returns the sub-command called name.
func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c.cmd, true
		}
	}
	return command{}, false
}

// commandNames lists the names of every sub-command, help included.
func commandNames() string {
	names := make([]string, 0, len(commands)+1)
	for _, c := range commands {
		names = append(names, c.name)
	}
	return strings.Join(append(names, "help"), ", ")
}

// printHelp lists every sub-command with its one line.
func printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: server [command] [flags]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-15s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-15s %s\n", "help", helpSummary)
	fmt.Fprintf(w, "\nEvery command takes the configuration flags; `server help <command>` lists them.\n")
}

// isHelpFlag reports whether arg asks for help, as the flag package understands it.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "--h"
}

// run parses args and runs the chosen sub-command. Asking for help is not an error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && (args[0] == "help" || isHelpFlag(args[0])) {
		if len(args) == 1 {
			printHelp(stdout)
			return nil
		}
		// `server help seed` is `server seed -h`.
		args = append(slices.Clone(args[1:]), "-h")
	}
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "admin" && len(args) > 0 {
		name, args = name+" "+args[0], args[1:]
	}
	cmd, ok := lookup(name)
	if !ok {
		return fmt.Errorf("unknown command %q: the commands are %s", name, commandNames())
	}
	fs := flag.NewFlagSet("server "+name, flag.ContinueOnError)
	// Asked-for help goes to stdout, a mistake's usage to stderr.
	fs.SetOutput(stderr)
	if slices.ContainsFunc(args, isHelpFlag) {
		fs.SetOutput(stdout)
	}
	cfg, envErr := bindConfig(fs, getenv)
	runCmd := cmd.flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: server %s [flags]\n\n%s\n\nflags:\n", name, cmd.usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
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
