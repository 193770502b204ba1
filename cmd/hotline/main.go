// Command hotline is the Hotline call center: run `hotline serve --demo` to try it.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/hotlinecc/hotline/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx)
	stop()
	os.Exit(code)
}
