// Package app opens the Partner Hub API's process (configuration, logger, database, token
// authority, live broker), serves its HTTP routes, and runs its sub-commands from a table
// that the server command extends with the benchmarks.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Command is one sub-command: it registers its own flags and runs with the config.
type Command struct {
	Usage string
	Flags func(fs *flag.FlagSet) func(ctx context.Context, e *Env) error
}

// Env is what a sub-command runs with.
type Env struct {
	Cfg    *Config
	Stdout io.Writer
	Stderr io.Writer
	Now    func() time.Time
}

// Entry is a sub-command with its name and the one line `server help` shows for it. A
// two-word name ("admin add") is a command with sub-commands.
type Entry struct {
	Name, Summary string
	Cmd           Command
}

// Commands lists the app's sub-commands in the order `server help` shows them; Run
// dispatches from such a table.
var Commands = []Entry{
	{"serve", "run the HTTP server (the default command)", serveCommand},
	{"migrate", "apply the migration files the database lacks, then exit (--dry-run prints their SQL)", migrateCommand},
	{"seed", "build a new partner with realistic demo or benchmark data", seedCommand},
	{"bootstrap", "create a partner with its first FULL_ADMIN and print a token", bootstrapCommand},
	{"token", "mint a token for an existing admin", tokenCommand},
	{"admin add", "add an admin to a partner (FULL_ADMIN, ADMIN or READ_ONLY_ADMIN)", adminAddCommand},
	{"admin set-role", "change an admin's role, keeping the partner a FULL_ADMIN", adminSetRoleCommand},
	{"admin remove", "remove an admin: revoke their tokens and assignments", adminRemoveCommand},
}

// helpSummary is the line of the help command, which the table cannot hold: it reads it.
const helpSummary = "list the commands, or with a command name that command's flags"

// lookup returns the sub-command called name.
func lookup(commands []Entry, name string) (Command, bool) {
	for _, c := range commands {
		if c.Name == name {
			return c.Cmd, true
		}
	}
	return Command{}, false
}

// commandNames lists the names of every sub-command, help included.
func commandNames(commands []Entry) string {
	names := make([]string, 0, len(commands)+1)
	for _, c := range commands {
		names = append(names, c.Name)
	}
	return strings.Join(append(names, "help"), ", ")
}

// printHelp lists every sub-command with its one line.
func printHelp(w io.Writer, commands []Entry) {
	fmt.Fprintf(w, "usage: server [command] [flags]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-15s %s\n", c.Name, c.Summary)
	}
	fmt.Fprintf(w, "  %-15s %s\n", "help", helpSummary)
	fmt.Fprintf(w, "\nEvery command takes the configuration flags; `server help <command>` lists them.\n")
}

// isHelpFlag reports whether arg asks for help, as the flag package understands it.
func isHelpFlag(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "--h"
}

// Run parses args and runs the chosen sub-command of commands. Asking for help is not an
// error.
func Run(ctx context.Context, commands []Entry, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name := "serve"
	if len(args) > 0 && (args[0] == "help" || isHelpFlag(args[0])) {
		if len(args) == 1 {
			printHelp(stdout, commands)
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
	cmd, ok := lookup(commands, name)
	if !ok {
		return fmt.Errorf("unknown command %q: the commands are %s", name, commandNames(commands))
	}
	fs := flag.NewFlagSet("server "+name, flag.ContinueOnError)
	// Asked-for help goes to stdout, a mistake's usage to stderr.
	fs.SetOutput(stderr)
	if slices.ContainsFunc(args, isHelpFlag) {
		fs.SetOutput(stdout)
	}
	cfg, envErr := BindConfig(fs, getenv)
	runCmd := cmd.Flags(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: server %s [flags]\n\n%s\n\nflags:\n", name, cmd.Usage)
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
	if err := cfg.Validate(); err != nil {
		return err
	}
	return runCmd(ctx, &Env{Cfg: cfg, Stdout: stdout, Stderr: stderr, Now: time.Now})
}
