// Command go-host is a small siren host: it loads the ec2-high-cpu
// configuration, runs the engine on the wall clock with a file journal,
// prints every notification as one line, and takes commands on stdin:
//
//	start-incident [PLAN]   accept PAGE CODE   resume EXECUTION
//	resolve INCIDENT        quit
//
// Between commands it sleeps until the engine's next deadline. Restarted
// with the same --journal it carries on where it stopped (siren.Open).
//
//	PKG_CONFIG_PATH=$BUILD/meson-uninstalled CGO_LDFLAGS="-Wl,-rpath,$BUILD" \
//	    go run . --config-dir ../ec2-high-cpu --journal /tmp/siren.journal
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	configDir := flag.String("config-dir", "../ec2-high-cpu", "directory of contacts.yaml, *-runbook.yaml and response-plan.yaml")
	journal := flag.String("journal", "", "journal file (append-only, fsync'ed per record); empty: in memory only")
	flag.Parse()
	if err := run(*configDir, *journal); err != nil {
		fmt.Fprintln(os.Stderr, "go-host:", err)
		os.Exit(1)
	}
}

func run(configDir, journal string) error {
	s, err := NewService(Config{ConfigDir: configDir, Journal: journal, Out: os.Stdout})
	if s == nil {
		return err
	}
	defer s.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-host: warning:", err)
	}
	if journal != "" {
		r := s.Report
		fmt.Fprintf(os.Stderr, "go-host: journal %s: %d records replayed, %d pages announced again\n",
			journal, r.Records, r.Reannounced)
		if r.Stopped {
			fmt.Fprintf(os.Stderr, "go-host: journal: replay stopped at record %d (%s); tail cut\n",
				r.StopIndex, r.StopReason)
		}
	}

	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)

	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		if _, err := s.Advance(); err != nil {
			fmt.Fprintln(os.Stderr, "go-host:", err)
		}
		// Sleep until the next deadline (at most a minute, so that a clock
		// step is noticed) or the next command.
		wait := time.Minute
		if d, ok := s.NextDeadline(); ok {
			if w := time.Until(d); w < wait {
				wait = w
			}
		}
		if wait < 0 {
			wait = 0
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
		select {
		case <-timer.C:
		case <-sigs:
			return nil
		case line, ok := <-lines:
			if !ok {
				return nil
			}
			err := s.Command(line)
			if errors.Is(err, ErrQuit) {
				return nil
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "error:", err)
			}
		}
	}
}
