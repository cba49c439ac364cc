package ingest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"log/slog"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/internal/objstore"
	"github.com/parley-cx/parley/internal/objstore/s3test"
)

// helperEnv switches the test binary into a plain `ingest` process, so crash
// tests can SIGKILL a real process rather than cancel a goroutine.
const helperEnv = "PARLEY_INGEST_HELPER"

// compactCrashEnv switches the test binary into a `compact` process that
// SIGKILLs itself right after its first directory swap.
const compactCrashEnv = "PARLEY_COMPACT_CRASH_LAKE"

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(helperMain())
	}
	if root := os.Getenv(compactCrashEnv); root != "" {
		testHookAfterSwap = func() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL) }
		_, err := Compact(context.Background(), CompactConfig{Lake: root})
		fmt.Fprintln(os.Stderr, "compact helper: not killed after a swap:", err)
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// helperMain runs Run configured from the environment, like `parley ingest` would.
func helperMain() int {
	env := func(k string) string { return os.Getenv(helperEnv + "_" + k) }
	flushRows, _ := strconv.Atoi(env("FLUSH_ROWS"))
	untilIdle, _ := time.ParseDuration(env("UNTIL_IDLE"))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	_, err := Run(ctx, Config{
		Brokers:        []string{env("BROKER")},
		Topic:          testTopic,
		Lake:           env("LAKE"),
		S3:             objstore.Options{Endpoint: env("S3_ENDPOINT")},
		FlushRows:      flushRows,
		FlushInterval:  200 * time.Millisecond,
		UntilIdle:      untilIdle,
		SessionTimeout: time.Second,
		ProgressEvery:  time.Second,
		Log:            slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	return 0
}

// testLake is a lake ingest processes share: a folder, or a prefix of a
// bucket on the test's S3 server.
type testLake struct {
	// Root is what --lake gets: a folder or s3://bucket/prefix.
	Root string
	srv  *s3test.Server
}

// lakeKinds are the two kinds of lake every multi-process test runs against.
var lakeKinds = []string{"folder", "bucket"}

// newTestLake makes an empty lake of the given kind.
func newTestLake(t *testing.T, kind string) testLake {
	t.Helper()
	if kind == "folder" {
		return testLake{Root: t.TempDir()}
	}
	srv := s3test.Start(t, s3test.Options{})
	srv.SetEnv(t)
	return testLake{Root: srv.LakeURL("team/lake"), srv: srv}
}

// S3 is the bucket options of the lake (none for a folder).
func (l testLake) S3() objstore.Options {
	if l.srv == nil {
		return objstore.Options{}
	}
	return objstore.Options{Endpoint: l.srv.Endpoint}
}

// Local returns a folder holding the lake's files: the lake itself, or a
// copy of the bucket's complete files (events, dead letters, gap
// records) made by the build's sync, after checking that nothing is left
// staged in the bucket.
func (l testLake) Local(t *testing.T) string {
	t.Helper()
	if l.srv == nil {
		return l.Root
	}
	ctx := context.Background()
	b, err := objstore.Open(ctx, l.Root, l.S3())
	if err != nil {
		t.Fatal(err)
	}
	staged, err := b.List(ctx, lake.StagingDir+"/")
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range staged {
		t.Errorf("staged object left behind in the bucket: %s", o.Key)
	}
	dir := t.TempDir()
	if _, err := lake.SyncCache(ctx, b, dir, append(lake.BuildPrefixes, lake.DeadLetterDir+"/"), nil); err != nil {
		t.Fatal(err)
	}
	return dir
}

// ingestProcess starts the test binary as an ingest process on l; its log
// goes to logs. Each process runs in a working and temporary folder of its
// own, so that processes on a bucket share nothing but the bucket.
func ingestProcess(t *testing.T, broker string, l testLake, flushRows int, untilIdle time.Duration, logs io.Writer) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	home := t.TempDir()
	cmd.Dir = home
	cmd.Env = append(os.Environ(),
		"TMPDIR="+home,
		helperEnv+"=1",
		helperEnv+"_BROKER="+broker,
		helperEnv+"_LAKE="+l.Root,
		helperEnv+"_S3_ENDPOINT="+l.S3().Endpoint,
		helperEnv+"_FLUSH_ROWS="+strconv.Itoa(flushRows),
		helperEnv+"_UNTIL_IDLE="+untilIdle.String(),
	)
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestCrashSafety SIGKILLs ingest processes at random moments while events
// are produced, restarts them, and proves that the lake ends with exactly
// the produced offsets: no loss, no duplicate.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts processes for several seconds")
	}
	for _, kind := range lakeKinds {
		t.Run(kind, func(t *testing.T) { crashSafety(t, kind) })
	}
}

func crashSafety(t *testing.T, kind string) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	b := startBroker(t, 3)
	msgs, _, _ := mixedMessages(t, 4000)
	l := newTestLake(t, kind)

	produced := make(chan error, 1)
	go func() {
		for chunk := range slicesChunk(msgs, 150) {
			if err := produceErr(b.Addr(), chunk); err != nil {
				produced <- err
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		produced <- nil
	}()

	var logs bytes.Buffer
	kills := 0
	for done := false; !done || kills < 6; kills++ {
		// Odd flush sizes make batches end at varied offsets, so kills land
		// before, during and after renames and checkpoints.
		cmd := ingestProcess(t, b.Addr(), l, 20+rng.IntN(120), 0, &logs)
		time.Sleep(time.Duration(200+rng.IntN(1000)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait() // killed: the exit status is the signal
		select {
		case err := <-produced:
			if err != nil {
				t.Fatal(err)
			}
			done = true
		default:
		}
	}
	// The last killed member still holds partitions until its 1s session
	// expires; a final process that joined earlier could go idle on the
	// partitions it got before the group gives it the rest.
	time.Sleep(1500 * time.Millisecond)
	cmd := ingestProcess(t, b.Addr(), l, 100, 3*time.Second, &logs)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("final ingest run: %v\n%s", err, logs.String())
	}
	recovered := strings.Count(logs.String(), "removed files of an unfinished batch")
	rolled := strings.Count(logs.String(), "finished publishing a batch its previous owner committed")
	t.Logf("%d kills, %d recoveries of half-published batches, %d committed batches finished by the next owner", kills, recovered, rolled)

	db := openDuck(t)
	lakeDir := l.Local(t)
	assertExactlyOnce(t, db, lakeDir, int64(len(msgs)))
	assertNoTempFiles(t, lakeDir)
	if t.Failed() {
		t.Logf("ingest logs:\n%s", logs.String())
	}
}

// slicesChunk yields consecutive chunks of at most n messages.
func slicesChunk(msgs []kafka.Message, n int) func(func([]kafka.Message) bool) {
	return func(yield func([]kafka.Message) bool) {
		for len(msgs) > 0 {
			k := min(n, len(msgs))
			if !yield(msgs[:k]) {
				return
			}
			msgs = msgs[k:]
		}
	}
}
