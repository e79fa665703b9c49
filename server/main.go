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
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/partnerhub/partnerhub-api/server/bench"
	"github.com/partnerhub/partnerhub-api/server/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "partnerhub:", err)
		os.Exit(1)
	}
}

// commands are the app's sub-commands and the benchmarks.
var commands = append(slices.Clip(app.Commands), app.Entry{Name: "bench", Summary: "seed a benchmark partner once and measure the server", Cmd: bench.Command})

// run parses args and runs the chosen sub-command.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	return app.Run(ctx, commands, args, getenv, stdout, stderr)
}
