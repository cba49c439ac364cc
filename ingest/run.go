package ingest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/internal/lake"
)

// finalFlushAttempts bounds the retries of the last flush on shutdown: the
// batch is not lost if they all fail, only read again on the next start.
const finalFlushAttempts = 3

// maxRetryBackoff caps the wait between attempts to write a failing batch.
const maxRetryBackoff = 10 * time.Second

// commitEvery spaces a partition's offset commits to Kafka, which only
// serve lag monitoring: the lake checkpoint is what ingest resumes from.
const commitEvery = time.Second

// FetchMaxBytes caps one fetch response per partition. It counts
// compressed bytes, and ingest holds two answers per partition
// decompressed (one being decoded, one read ahead): at 4 MiB, on a topic
// that lz4 shrinks fourfold, that was 32 MB per partition, the bulk of
// ingest's memory. Smaller answers cost only more round trips, which
// overlap decoding: at 2M events, 512 KiB took the same CPU as 1 MiB (5.32
// and 5.27 µs per event) and 34 MB less peak RSS (docs/performance.md).
const FetchMaxBytes = 512 << 10

// Run consumes cfg.Topic as a member of cfg.Group and writes every message
// to the lake exactly once: valid events as rows, the rest as dead letters.
// It returns when ctx ends or, with UntilIdle, after that long without a new
// message; either way it first flushes and commits what it has read. It
// starts by removing what interrupted lake commands left behind (lake.Sweep).
func Run(ctx context.Context, cfg Config) (Stats, error) {
	start := time.Now()
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return Stats{}, fmt.Errorf("ingest: config: %w", err)
	}
	store, err := openLake(ctx, cfg)
	if err != nil {
		return Stats{}, err
	}
	r := &runner{cfg: cfg, log: cfg.Log, lake: store, start: start, parts: make(map[int32]*partitionState), stopped: make(map[int32]error)}
	st, err := r.run(ctx)
	st.Elapsed = time.Since(start)
	if cerr := store.close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return st, err
}

// runner is one Run: the group membership and the partitions it owns.
type runner struct {
	cfg   Config
	log   *slog.Logger
	lake  lakeStore
	start time.Time // when Run began: the summary's elapsed time

	client *partitionClient

	mu    sync.Mutex
	stats Stats
	parts map[int32]*partitionState
	err   error
	// stopped holds, per partition, why it is not being read (a checkpoint
	// above its end); the run goes on with the others and reports them at the end.
	stopped map[int32]error

	lastMessage atomic.Int64 // unix nanoseconds of the last message or flush; 0 until the first assignment
	consumed    atomic.Int64 // messages read, flushed or not
	stop        context.CancelFunc
}

// partitionState is what progress reporting reads about a partition.
type partitionState struct {
	next atomic.Int64 // next offset to read
	hwm  atomic.Int64 // high watermark seen in the last fetch
	// fenced is set when another owner moved the checkpoint: this process
	// lost the partition and must publish nothing more of it.
	fenced atomic.Bool

	// committedAt is when the last offset went to Kafka. Only the
	// partition's one flush in flight reads and writes it.
	committedAt time.Time
}

func (r *runner) run(ctx context.Context) (Stats, error) {
	stopCtx, stop := context.WithCancel(ctx)
	defer stop()
	r.stop = stop
	// The partitions' client outlives stopCtx: the final flushes come after it.
	clientCtx, closeClient := context.WithCancel(context.WithoutCancel(ctx))
	defer closeClient()
	r.client = newPartitionClient(clientCtx, r.cfg.Brokers, r.cfg.Topic, r.cfg.Dialer, r.log)
	r.client.health = r.health
	defer r.client.transport.CloseIdleConnections()
	cg, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                r.cfg.Group,
		Brokers:           r.cfg.Brokers,
		Dialer:            r.cfg.Dialer,
		Topics:            []string{r.cfg.Topic},
		StartOffset:       kafka.FirstOffset,
		SessionTimeout:    r.cfg.SessionTimeout,
		RebalanceTimeout:  r.cfg.SessionTimeout,
		HeartbeatInterval: r.cfg.SessionTimeout / 5,
		JoinGroupBackoff:  time.Second,
		ErrorLogger:       kafka.LoggerFunc(func(msg string, args ...any) { r.log.Debug(fmt.Sprintf(msg, args...)) }),
	})
	if err != nil {
		return Stats{}, fmt.Errorf("ingest: consumer group %s: %w", r.cfg.Group, err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { r.progress(stopCtx) })
	if r.cfg.UntilIdle > 0 {
		wg.Go(func() { r.watchIdle(stopCtx) })
	}
	r.log.Info("ingest starting", "topic", r.cfg.Topic, "group", r.cfg.Group, "brokers", strings.Join(r.cfg.Brokers, ","), "lake", r.cfg.Lake)
	// waiting is since when attempts to join the group have been failing
	// (zero while none has failed since the last join); lastErr is the last
	// failure. A join that is slow without failing (the coordinator waiting
	// for a dead member's session to end) is not bounded: it is progress.
	var (
		waiting time.Time
		lastErr error
	)
	for {
		gen, err := r.nextGeneration(stopCtx, cg, waiting)
		if stopCtx.Err() != nil {
			break
		}
		if errors.Is(err, ErrJoinTimeout) {
			r.fail(fmt.Errorf("%w; the last failure: %w", err, lastErr))
			break
		}
		if err != nil {
			if permanent(err) {
				r.fail(fmt.Errorf("ingest: join consumer group %s: %w", r.cfg.Group, err))
				break
			}
			// kafka-go has already backed off; a join error is usually a
			// broker or coordinator moving, so keep trying but say so,
			// louder once it has lasted longer than a join may take.
			if waiting.IsZero() {
				waiting = time.Now()
			}
			lastErr = err
			r.health(err)
			level, failing := slog.LevelWarn, time.Since(waiting)
			if failing > r.cfg.joinPatience() {
				level = slog.LevelError
			}
			r.log.Log(stopCtx, level, "ingest: join consumer group failed, retrying", "group", r.cfg.Group,
				"brokers", strings.Join(r.cfg.Brokers, ","), "failing_for", failing.Round(time.Second), "err", err)
			continue
		}
		waiting, lastErr = time.Time{}, nil
		r.health(nil)
		assigned := gen.Assignments[r.cfg.Topic]
		ids := make([]int32, 0, len(assigned))
		for _, pa := range assigned {
			ids = append(ids, int32(pa.ID))
		}
		slices.Sort(ids)
		r.log.Info("partitions assigned", "generation", gen.ID, "partitions", ids)
		r.lastMessage.CompareAndSwap(0, time.Now().UnixNano())
		// The flush limits are the process's memory budget, so each
		// partition gets an equal share of them.
		lim := limits{
			rows:  max(r.cfg.FlushRows/max(len(ids), 1), 1),
			bytes: max(r.cfg.FlushBytes/int64(max(len(ids), 1)), 1),
			age:   r.cfg.FlushInterval,
		}
		for _, p := range ids {
			gen.Start(func(gctx context.Context) { r.consume(gctx, stopCtx, gen, p, lim) })
		}
	}
	// Close ends the generation, which waits for every partition to flush
	// and commit, then leaves the group so the partitions move at once.
	cerr := cg.Close()
	stop()
	wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stats.Elapsed = time.Since(r.start)
	r.log.Info("ingest stopped", "summary", r.stats.String())
	if cerr != nil {
		r.err = errors.Join(r.err, fmt.Errorf("ingest: leave group %s: %w", r.cfg.Group, cerr))
	}
	for _, p := range slices.Sorted(maps.Keys(r.stopped)) {
		r.err = errors.Join(r.err, r.stopped[p])
	}
	if r.err == nil && ctx.Err() != nil && !errors.Is(ctx.Err(), context.Canceled) {
		r.err = ctx.Err()
	}
	return r.stats, r.err
}

// ErrJoinTimeout is Run's error when it could not join its consumer group
// within Config.JoinTimeout.
var ErrJoinTimeout = errors.New("could not join the consumer group")

// nextGeneration waits for the group's next generation, for at most
// JoinTimeout from waiting once attempts to join have failed (waiting is
// not zero); otherwise as long as it takes (a member's generation lasts
// until the next rebalance).
func (r *runner) nextGeneration(ctx context.Context, cg *kafka.ConsumerGroup, waiting time.Time) (*kafka.Generation, error) {
	if r.cfg.JoinTimeout == 0 || waiting.IsZero() {
		return cg.Next(ctx)
	}
	deadline := waiting.Add(r.cfg.JoinTimeout)
	nextCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	gen, err := cg.Next(nextCtx)
	if err != nil && ctx.Err() == nil && errors.Is(nextCtx.Err(), context.DeadlineExceeded) {
		hint := "check --brokers and that they are up"
		if r.cfg.UntilIdle > 0 {
			hint += "; a batch run (--until-idle) gives up after --join-timeout"
		}
		return nil, fmt.Errorf("ingest: %w %s at %s: attempts failed for %s (%s)", ErrJoinTimeout, r.cfg.Group, strings.Join(r.cfg.Brokers, ","), r.cfg.JoinTimeout, hint)
	}
	return gen, err
}

// health tells Config.Health, if set, how the last join or fetch went.
func (r *runner) health(err error) {
	if r.cfg.Health != nil {
		r.cfg.Health(err)
	}
}

// fail records a fatal error and stops the run.
func (r *runner) fail(err error) {
	r.mu.Lock()
	r.err = errors.Join(r.err, err)
	r.mu.Unlock()
	r.log.Error("ingest: stopping", "err", err)
	r.stop()
}

// partitionStopped records that partition will not be read (its checkpoint
// stands above its end): loudly, without stopping the other partitions.
func (r *runner) partitionStopped(partition int32, err error) {
	r.mu.Lock()
	r.stopped[partition] = err
	r.mu.Unlock()
	r.log.Error("ingest: partition stopped", "topic", r.cfg.Topic, "partition", partition, "err", err)
	r.cfg.Metrics.setStopped(r.cfg.Topic, partition, true)
}

// watchIdle stops the run once no message has arrived for UntilIdle. It
// sleeps until the moment the run would become idle rather than polling, so
// a batch run ends UntilIdle after its last message, not up to a poll later.
func (r *runner) watchIdle(ctx context.Context) {
	t := time.NewTimer(r.cfg.UntilIdle)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		wait := r.cfg.UntilIdle // no partitions assigned yet
		if last := r.lastMessage.Load(); last != 0 {
			switch idle := time.Since(time.Unix(0, last)); {
			case idle < r.cfg.UntilIdle:
				wait = r.cfg.UntilIdle - idle
			case r.caughtUp():
				r.log.Info("idle, stopping", "idle_for", r.cfg.UntilIdle)
				r.stop()
				return
			default:
				// Quiet but behind the high watermark: a fetch or a flush
				// is slow, so look again soon.
				wait = min(r.cfg.UntilIdle/4, 250*time.Millisecond)
			}
		}
		t.Reset(wait)
	}
}

// caughtUp reports whether every owned partition has been read up to the
// high watermark its last fetch reported. Without it, a slow flush (no
// messages read meanwhile) would pass for an idle topic.
func (r *runner) caughtUp() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ps := range r.parts {
		if ps.hwm.Load() > ps.next.Load() {
			return false
		}
	}
	return true
}

// progress says every ProgressEvery the rate, the lag per partition and
// the totals: to Config.Progress if set, else to the log.
func (r *runner) progress(ctx context.Context) {
	t := time.NewTicker(r.cfg.ProgressEvery)
	defer t.Stop()
	var prevRead int64
	prev := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			r.mu.Lock()
			st := r.stats
			var lags []string
			for _, p := range slices.Sorted(maps.Keys(r.parts)) {
				ps := r.parts[p]
				lags = append(lags, fmt.Sprintf("%d:%d", p, max(0, ps.hwm.Load()-ps.next.Load())))
			}
			r.mu.Unlock()
			if len(lags) == 0 {
				lags = []string{"(none assigned yet)"}
			}
			read := r.consumed.Load()
			rate := float64(read-prevRead) / now.Sub(prev).Seconds()
			prevRead, prev = read, now
			if r.cfg.Progress != nil {
				r.cfg.Progress(fmt.Sprintf("read %d messages/s, lag by partition %s; %d read, %d events written, %d dead letters, %d files",
					int64(rate), strings.Join(lags, " "), read, st.Events, st.DeadLetters, st.Files))
				continue
			}
			r.log.Info("progress", "read_per_s", int64(rate), "lag", strings.Join(lags, " "), "read", read, "events_written", st.Events, "dead_letters", st.DeadLetters, "files", st.Files)
		}
	}
}

// consume owns one partition for one generation: it resumes from the
// lake's checkpoint, batches messages and flushes them, until the
// generation ends (rebalance) or the run stops.
func (r *runner) consume(gctx, stopCtx context.Context, gen *kafka.Generation, partition int32, lim limits) {
	ctx, cancel := context.WithCancel(stopCtx)
	defer cancel()
	unwatch := context.AfterFunc(gctx, cancel)
	defer unwatch()

	topic := r.cfg.Topic
	cp, removed, err := r.lake.recover(ctx, partition)
	if err != nil {
		r.fail(fmt.Errorf("ingest: recover %s/%d: %w", topic, partition, err))
		return
	}
	if removed > 0 {
		r.log.Warn("removed files of an unfinished batch; it will be read again", "topic", topic, "partition", partition, "files", removed, "resume_at", cp.NextOffset)
	}
	cp, end, err := r.checkEnd(ctx, partition, cp)
	var above *errAboveEnd
	switch {
	case ctx.Err() != nil:
		return
	case errors.As(err, &above):
		r.partitionStopped(partition, err)
		return
	case err != nil:
		r.fail(err)
		return
	}
	r.mu.Lock()
	delete(r.stopped, partition) // reset by another member of the group meanwhile
	r.mu.Unlock()
	r.cfg.Metrics.setStopped(topic, partition, false)
	next := cp.NextOffset
	ps := &partitionState{}
	ps.next.Store(max(next, 0))
	ps.hwm.Store(end)
	r.mu.Lock()
	r.parts[partition] = ps
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.parts, partition)
		r.mu.Unlock()
	}()

	// The fetcher reads the next answer while the partition decodes one,
	// then waits for the partition to take it: what a partition holds ahead
	// of its batches is two answers.
	msgs := make(chan []fetched)
	go func() {
		defer close(msgs)
		err := r.client.fetchPartition(ctx, partition, next, msgs)
		var lost *errAboveEnd
		switch {
		case ctx.Err() != nil:
		case errors.As(err, &lost):
			// The partition lost what the checkpoint holds while being read
			// (the topic was recreated): stop it, as at the start.
			r.partitionStopped(partition, err)
		default:
			r.fail(fmt.Errorf("ingest: fetch %s/%d: %w", topic, partition, err))
		}
	}()

	// Two batches take turns: one fills while the other is written, so
	// decoding goes on during a flush's encoding and fsyncs. Only one flush
	// per partition is in flight, which keeps files and checkpoints in offset
	// order, and a batch that comes due while the other is still being
	// written waits for it, which bounds memory at two batches per partition.
	b, spare := newBatch(topic, partition), newBatch(topic, partition)
	b.epoch, spare.epoch = cp.Epoch, cp.Epoch
	// expect is the checkpoint the next sealed batch continues.
	expect := next
	var (
		writing   *batch    // the batch being flushed, or one whose flush failed for good
		flushDone chan bool // receives the result of writing's flush
	)
	// finished records the result of the flush in flight.
	finished := func(ok bool) bool {
		if ok {
			spare, writing = writing, nil
		}
		flushDone = nil // on failure writing stays, for the final flush
		return ok
	}
	// settle waits for the flush in flight and reports whether nothing is
	// left unwritten by it.
	settle := func() bool {
		if flushDone == nil {
			return writing == nil
		}
		return finished(<-flushDone)
	}
	// startFlush hands b to a background flush once the previous one is done.
	// A flush fails only once ctx ends; the final flush below retries it.
	startFlush := func() bool {
		if !settle() {
			return false
		}
		b.after, expect = expect, b.last+1
		writing, b, spare = b, spare, nil
		flushDone = make(chan bool, 1)
		go func(full *batch, done chan<- bool) { done <- r.flush(ctx, gen, ps, full, 0) }(writing, flushDone)
		return true
	}
	// take adds one fetched item to b and moves the partition's position.
	take := func(it fetched, now time.Time) {
		switch it.kind {
		case fetchedMessage:
			b.add(it.value, it.key, it.offset, now)
			next = it.offset + 1
			r.lastMessage.Store(now.UnixNano())
			r.consumed.Add(1)
		case fetchedGap:
			b.addGap(it.offset, it.last, now)
			next = it.last + 1
			ps.hwm.Store(it.end)
			r.lastMessage.Store(now.UnixNano())
		case fetchedPosition:
			// Not activity for --until-idle: an idle partition answers every fetch.
			b.skipTo(it.offset)
			next = max(next, it.offset)
			ps.hwm.Store(it.end)
		}
		ps.next.Store(next)
	}
	// rest is what the loop below left of a fetch answer when it stopped.
	var rest []fetched
	tick := time.NewTicker(min(r.cfg.FlushInterval/2, time.Second))
	defer tick.Stop()
	for done := false; !done; {
		select {
		case items, ok := <-msgs:
			if !ok {
				done = true
				break
			}
			now := time.Now()
			for i, it := range items {
				take(it, now)
				// A flush that fails until the generation or run ends falls
				// through to the final flush below, which says so loudly.
				if b.due(lim, now) && !startFlush() {
					rest, done = items[i+1:], true
					break
				}
			}
		case ok := <-flushDone:
			if !finished(ok) {
				done = true
			}
		case now := <-tick.C:
			r.cfg.Metrics.setLag(topic, partition, max(0, ps.hwm.Load()-ps.next.Load()))
			if b.due(lim, now) && !startFlush() {
				done = true
			}
		}
	}
	// Drain what was fetched before the stop, so that a clean shutdown
	// leaves nothing for the next start to read again.
	cancel()
	for _, it := range rest {
		take(it, time.Now())
	}
	for items := range msgs {
		for _, it := range items {
			take(it, time.Now())
		}
	}
	final := context.WithoutCancel(ctx)
	settle()
	if ps.fenced.Load() {
		return // the partition's new owner reads everything from its checkpoint on
	}
	if !b.empty() {
		b.after = expect
	}
	for _, fb := range []*batch{writing, b} {
		if fb != nil && !fb.empty() && !r.flush(final, gen, ps, fb, finalFlushAttempts) {
			if ps.fenced.Load() {
				return // taken over meanwhile: the new owner reads these offsets from its checkpoint
			}
			r.fail(fmt.Errorf("ingest: final flush of %s/%d offsets %d-%d failed; they will be read again on the next start", topic, partition, fb.first, next-1))
			return
		}
	}
}

// checkEnd learns the partition's end before the first fetch (so that
// UntilIdle cannot mistake a partition that has not answered yet for a
// drained one) and compares the checkpoint with it. A checkpoint above the
// end is an *errAboveEnd, unless Config.Resets asks for a reset, which then
// returns the new checkpoint.
func (r *runner) checkEnd(ctx context.Context, partition int32, cp checkpoint) (checkpoint, int64, error) {
	var first, end int64
	err := r.client.retry(ctx, partition, "list offsets", func() (err error) {
		first, end, err = r.client.offsets(ctx, partition)
		return err
	})
	if err != nil {
		return cp, 0, err
	}
	if cp.NextOffset <= end {
		return cp, end, nil
	}
	above := &errAboveEnd{topic: r.cfg.Topic, partition: partition, next: cp.NextOffset, first: first, end: end}
	mode, ok := r.cfg.resetFor(partition)
	if !ok {
		return cp, end, above
	}
	cp, err = r.reset(ctx, partition, cp, first, end, mode)
	return cp, end, err
}

// reset starts a new epoch of the partition, at its earliest offset or at
// its end: the audit log records it first, then the checkpoint moves, both
// only if no other owner moved the checkpoint meanwhile. Files of the old
// epoch stay as they are.
func (r *runner) reset(ctx context.Context, partition int32, cp checkpoint, first, end int64, mode ResetMode) (checkpoint, error) {
	topic := r.cfg.Topic
	reset := checkpoint{Topic: topic, Partition: partition, NextOffset: -1, Epoch: cp.Epoch + 1, Owner: cp.Owner}
	skipped := int64(0)
	if mode == ResetLatest {
		reset.NextOffset, skipped = end, end-first
	}
	e := lake.NewAuditEntry("reset-partition", "", false, time.Now())
	e.Params = map[string]string{"topic": topic, "partition": fmt.Sprint(partition), "mode": string(mode)}
	e.Counts = map[string]int64{
		"old_next_offset": cp.NextOffset, "old_epoch": int64(cp.Epoch),
		"new_next_offset": reset.NextOffset, "new_epoch": int64(reset.Epoch),
		"earliest_offset": first, "high_watermark": end, "offsets_skipped": skipped,
	}
	if err := r.lake.reset(ctx, partition, cp, reset, e); err != nil {
		return cp, fmt.Errorf("ingest: reset %s/%d: %w", topic, partition, err)
	}
	r.log.Warn("ingest: partition reset: its checkpoint stood above its end; a new epoch starts (recorded in the audit log)",
		"topic", topic, "partition", partition, "mode", mode, "old_next_offset", cp.NextOffset, "high_watermark", end,
		"earliest_offset", first, "offsets_skipped", skipped, "epoch", reset.Epoch)
	return reset, nil
}

// flush makes the batch durable, then advances the lake checkpoint, then
// commits the offset to Kafka, in that order: a crash between any two steps
// leaves the lake as the record to resume from. A failing write is retried
// with backoff (offsets stay uncommitted meanwhile) until it succeeds, ctx
// ends, or attempts (if > 0) run out. It reports whether the batch was flushed.
func (r *runner) flush(ctx context.Context, gen *kafka.Generation, ps *partitionState, b *batch, attempts int) bool {
	topic, partition := r.cfg.Topic, b.partition
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		began := time.Now()
		files, err := r.lake.publish(ctx, b)
		if errors.Is(err, errFenced) {
			r.log.Warn("ingest: partition taken over by another process; dropping this batch, which the new owner reads again", "err", err)
			ps.fenced.Store(true)
			b.reset()
			return false
		}
		if err == nil {
			r.lastMessage.Store(time.Now().UnixNano()) // a flush is activity too, for UntilIdle
			r.cfg.Metrics.flushed(b, files, time.Since(began).Seconds())
			r.mu.Lock()
			r.stats.add(b, files)
			r.mu.Unlock()
			for _, g := range b.gaps {
				r.log.Error("ingest: OFFSET GAP: Kafka deleted these offsets before ingest read them; their messages are lost (recorded in the lake's gap records)",
					"topic", topic, "partition", partition, "from", g.From, "to", g.To, "offsets", g.Messages(), "epoch", g.Epoch)
			}
			if len(b.dead) > 0 {
				r.log.Warn("messages dead-lettered", "topic", topic, "partition", partition, "count", len(b.dead), "reasons", fmt.Sprint(b.reasons))
			}
			// The lake already records this batch; a failed commit only
			// makes the group's lag look larger until the next one. Commits
			// are spaced (the final flush always commits) because partitions
			// share the group's one coordinator connection, on which
			// kafka-go makes concurrent commits wait for each other.
			if now := time.Now(); attempts > 0 || now.Sub(ps.committedAt) >= commitEvery {
				ps.committedAt = now
				if cerr := gen.CommitOffsets(map[string]map[int]int64{topic: {int(partition): b.last + 1}}); cerr != nil {
					r.log.Warn("ingest: commit offset to Kafka failed (the lake checkpoint is authoritative)", "topic", topic, "partition", partition, "offset", b.last+1, "err", cerr)
				}
			}
			b.reset()
			return true
		}
		r.cfg.Metrics.flushFailed()
		r.log.Error("ingest: writing batch failed; offsets not committed, retrying", "topic", topic, "partition", partition, "offsets", fmt.Sprintf("%d-%d", b.first, b.last), "attempt", attempt, "err", err)
		if attempts > 0 && attempt >= attempts {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, maxRetryBackoff)
	}
}

// permanent reports errors that retrying cannot fix: wrong credentials or an
// untrusted certificate. They end the run instead of looping forever.
func permanent(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	return errors.Is(err, kafka.SASLAuthenticationFailed) ||
		errors.Is(err, kafka.UnsupportedSASLMechanism) ||
		errors.Is(err, kafka.IllegalSASLState) ||
		errors.As(err, &certErr) || errors.As(err, &unknownCA) || errors.As(err, &hostErr)
}
