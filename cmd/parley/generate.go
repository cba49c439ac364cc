package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/produce"
	"github.com/parley-cx/parley/internal/synth"
)

// produceBatch is how many events go to Kafka per call: large enough that
// the writer fills whole batches, small enough to keep memory flat.
const produceBatch = 50_000

func newGenerateCmd() *cobra.Command {
	def := synth.DefaultConfig()
	var (
		cfg     = def
		start   string
		tz      string
		out     string
		brokers string
		topic   string
	)
	cmd := &cobra.Command{
		Use:   "generate [--seed N] [--start YYYY-MM-DD] [--days N] [--per-day N] [--tz ZONE] [--out FILE|-] [--brokers HOST:PORT,... --topic T]",
		Short: "Simulate a support operation and emit its conversation events",
		Long: `Generate runs a discrete-event simulation of a customer-messaging support
team and writes the events it produces, in event contract v1: customers arrive
by a non-homogeneous Poisson process (morning and afternoon peaks, quiet
weekends, a slow trend, the odd incident), talk to a bot on some channels, wait
in queues for named agents on shifts who hold two or three chats at once, get
transferred and escalated, nudge, give up, reopen, come back and answer CSAT
surveys. Waits and first-response times come out of the queues, so they grow
when load exceeds staffing. docs/generator.md describes the model.

The same flags always give the same events, byte for byte. A small share of
events is emitted twice (--duplicate-rate) or late and out of order
(--late-rate), as real producers do. Some customer messages contain e-mail
addresses, phone numbers, Luhn-valid card numbers, IBANs and hostile strings
such as <script>: treat the output as untrusted text.

Output is JSON lines on stdout, or in --out FILE, or produced to a Kafka topic
with --brokers and --topic (key = conversation_id; the topic must exist).
Progress goes to stderr.

Examples:
  parley generate --days 7 --per-day 500 --out week.jsonl
  parley generate --seed 42 --start 2026-01-05 --days 28 --tz America/New_York | head
  parley generate --brokers 127.0.0.1:9092 --topic conversation-events`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f := cmd.Flags()
			if f.Changed("tz") {
				loc, err := time.LoadLocation(tz)
				if err != nil || tz == "" {
					return usageErrorf("generate: --tz: %q is not an IANA time zone (e.g. Europe/Berlin)", tz)
				}
				cfg.TZ = loc
			}
			if f.Changed("start") || f.Changed("tz") {
				if !f.Changed("start") {
					start = def.Start.Format(time.DateOnly)
				}
				day, err := time.ParseInLocation(time.DateOnly, start, cfg.TZ)
				if err != nil {
					return usageErrorf("generate: --start: %q is not a date like 2026-03-09", start)
				}
				cfg.Start = day
			}
			if err := cfg.Validate(); err != nil {
				return usageErrorf("generate: %w", asFlags(err))
			}
			var list []string
			for _, b := range strings.Split(brokers, ",") {
				if b = strings.TrimSpace(b); b != "" {
					list = append(list, b)
				}
			}
			switch {
			case len(list) > 0 && topic == "":
				return usageErrorf("generate: --topic is required with --brokers")
			case len(list) == 0 && topic != "":
				return usageErrorf("generate: --brokers is required with --topic")
			case len(list) > 0 && f.Changed("out"):
				return usageErrorf("generate: give either --out or --brokers, not both")
			}
			p := newProgress(cmd.ErrOrStderr())
			if len(list) > 0 {
				return generateToKafka(cmd.Context(), cfg, produce.Config{Brokers: list, Topic: topic}, p)
			}
			return generateToFile(cmd.Context(), cfg, out, cmd.OutOrStdout(), p)
		},
	}
	f := cmd.Flags()
	f.Int64Var(&cfg.Seed, "seed", def.Seed, "random seed; the same flags and seed give the same events")
	f.StringVar(&start, "start", def.Start.Format(time.DateOnly), "first simulated day (local date in --tz)")
	f.IntVar(&cfg.Days, "days", def.Days, "number of days that receive new conversations")
	f.Float64Var(&cfg.PerDay, "per-day", def.PerDay, "mean new conversations per day, before weekly seasonality and trend")
	f.StringVar(&tz, "tz", def.TZ.String(), "IANA time zone of the operation: peaks, shifts and weekends follow it")
	f.Float64Var(&cfg.DuplicateRate, "duplicate-rate", def.DuplicateRate, "share of events emitted twice with the same event_id")
	f.Float64Var(&cfg.LateRate, "late-rate", def.LateRate, "share of events emitted late, out of order")
	f.Float64Var(&cfg.Staffing, "staffing", def.Staffing, "headcount multiplier: below 1 queues grow, above 1 they shrink")
	f.StringVar(&out, "out", "-", "JSON lines file to write, - for stdout")
	f.StringVar(&brokers, "brokers", "", "produce to Kafka instead: bootstrap brokers HOST:PORT,...")
	f.StringVar(&topic, "topic", "", "Kafka topic to produce to (with --brokers)")
	return cmd
}

func generateToFile(ctx context.Context, cfg synth.Config, path string, stdout io.Writer, p *progress) error {
	dst, name := stdout, "stdout"
	var file *os.File
	if path != "-" && path != "" {
		var err error
		if file, err = os.Create(path); err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		dst, name = file, path
	}
	w := bufio.NewWriterSize(dst, 1<<20)
	st, err := pipeline(ctx, cfg, p, 4096, func(_ context.Context, evs []*event.Event) error {
		for _, ev := range evs {
			b, err := ev.MarshalJSON()
			if err != nil {
				return fmt.Errorf("encode event %s: %w", ev.EventID, err)
			}
			if _, err := w.Write(append(b, '\n')); err != nil {
				return fmt.Errorf("write %s: %w", name, err)
			}
		}
		return nil
	})
	if err == nil {
		if err = w.Flush(); err != nil {
			err = fmt.Errorf("generate: write %s: %w", name, err)
		}
	}
	if file != nil {
		if cerr := file.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("generate: close %s: %w", name, cerr)
		}
	}
	if err != nil {
		return err
	}
	p.done(st, name)
	return nil
}

func generateToKafka(ctx context.Context, cfg synth.Config, pc produce.Config, p *progress) error {
	w := produce.New(pc)
	st, err := pipeline(ctx, cfg, p, produceBatch, w.WriteEvents)
	if cerr := w.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("generate: %w", cerr)
	}
	if err != nil {
		return err
	}
	p.done(st, "topic "+pc.Topic)
	return nil
}

// pipeline runs the simulation and sink side by side, on two cores: the
// simulation fills the next batch while sink encodes and writes the last.
// A sink error stops the simulation.
func pipeline(ctx context.Context, cfg synth.Config, p *progress, size int, sink func(context.Context, []*event.Event) error) (synth.Stats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*event.Event, 2)
	sunk := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = sink(ctx, b); err != nil {
					cancel()
				}
			}
		}
		sunk <- err
	}()
	batch := make([]*event.Event, 0, size)
	st, genErr := synth.Generate(ctx, cfg, func(ev *event.Event) error {
		batch = append(batch, ev)
		p.event(ev)
		if len(batch) == size {
			select {
			case batches <- batch:
			case <-ctx.Done():
				return ctx.Err()
			}
			batch = make([]*event.Event, 0, size)
		}
		return nil
	})
	if genErr == nil && len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	if err := <-sunk; err != nil {
		// A failed write cancels the simulation, so genErr adds nothing.
		return st, fmt.Errorf("generate: %w", err)
	}
	if genErr != nil {
		return st, fmt.Errorf("generate: %w", genErr)
	}
	return st, nil
}

// progress reports on stderr every few seconds of wall time.
type progress struct {
	w      io.Writer
	start  time.Time
	next   time.Time
	events int
	latest time.Time
}

func newProgress(w io.Writer) *progress {
	now := time.Now()
	return &progress{w: w, start: now, next: now.Add(2 * time.Second)}
}

func (p *progress) event(ev *event.Event) {
	p.events++
	if ev.OccurredAt.After(p.latest) {
		p.latest = ev.OccurredAt
	}
	if p.events%8192 != 0 {
		return
	}
	if now := time.Now(); now.After(p.next) {
		p.next = now.Add(2 * time.Second)
		fmt.Fprintf(p.w, "generate: %d events, simulated up to %s\n", p.events, p.latest.Format(time.DateOnly))
	}
}

func (p *progress) done(st synth.Stats, dest string) {
	el := time.Since(p.start)
	fmt.Fprintf(p.w, "generate: %d events (%d conversations, %d duplicates, %d late) to %s in %s (%.0f events/s)\n",
		st.Events, st.Conversations, st.Duplicates, st.Late, dest, el.Round(time.Millisecond), float64(st.Events)/el.Seconds())
}
