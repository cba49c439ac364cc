package ingest

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/parley-cx/parley/internal/broker"
)

// TestRunSurvivesBrokerFaults drops the connection on the first requests of
// one kind (kfake's ControlKey) and checks ingest retries its way to an
// exactly-once lake.
func TestRunSurvivesBrokerFaults(t *testing.T) {
	tests := []struct {
		name  string
		key   kmsg.Key
		fails int32
	}{
		{"fetch errors", kmsg.Fetch, 3},
		{"offset commit errors", kmsg.OffsetCommit, 1}, // a dropped commit connection ends the generation: one is enough
		{"join group errors", kmsg.JoinGroup, 2},
		{"coordinator lookups fail", kmsg.FindCoordinator, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := startBroker(t, 2)
			msgs, _, _ := mixedMessages(t, 600)
			produce(t, b.Addr(), msgs)
			var injected atomic.Int32
			c := b.Cluster()
			c.ControlKey(int16(tc.key), func(kmsg.Request) (kmsg.Response, error, bool) {
				if injected.Add(1) > tc.fails {
					return nil, nil, false // let the broker answer from now on
				}
				c.KeepControl()
				return nil, errors.New("injected fault"), true // kfake drops the connection
			})
			lakeDir := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			st, err := Run(ctx, Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: lakeDir, FlushRows: 150, UntilIdle: 1500 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if injected.Load() < tc.fails {
				t.Fatalf("only %d of %d faults were injected: the test did not exercise %s", injected.Load(), tc.fails, tc.name)
			}
			if st.Events+st.DeadLetters != int64(len(msgs)) {
				t.Errorf("stats %+v account for %d messages, want %d", st, st.Events+st.DeadLetters, len(msgs))
			}
			assertExactlyOnce(t, openDuck(t), lakeDir, int64(len(msgs)))
		})
	}
}

// TestTwoProcessesRebalance runs two ingest processes in one group while
// events arrive: the second joins mid-way (partitions move to it), then the
// first is stopped with SIGTERM (they move back). The lake must end exactly once.
func TestTwoProcessesRebalance(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two processes for several seconds")
	}
	for _, kind := range lakeKinds {
		t.Run(kind, func(t *testing.T) { twoProcessesRebalance(t, kind) })
	}
}

func twoProcessesRebalance(t *testing.T, kind string) {
	b := startBroker(t, 4)
	msgs, _, _ := mixedMessages(t, 3000)
	l := newTestLake(t, kind)
	var logs1, logs2 lockedBuffer
	chunks := 0
	p1 := ingestProcess(t, b.Addr(), l, 90, 0, &logs1)
	var p2 *exec.Cmd
	for chunk := range slicesChunk(msgs, 200) {
		produce(t, b.Addr(), chunk)
		time.Sleep(150 * time.Millisecond)
		chunks++
		switch chunks {
		case 4:
			p2 = ingestProcess(t, b.Addr(), l, 70, 2*time.Second, &logs2)
		case 12:
			// Stop the first process only once the second has joined and
			// the first has been assigned again: on a loaded machine the
			// second process can take longer to start than the chunks so far.
			waitFor(t, "the second process to join and the first to be reassigned", func() bool {
				return logs2.count("partitions assigned") >= 1 && logs1.count("partitions assigned") >= 2
			})
			if err := p1.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := p1.Wait(); err != nil {
				t.Fatalf("first process after SIGTERM: %v\n%s", err, logs1.String())
			}
		}
	}
	if err := p2.Wait(); err != nil {
		t.Fatalf("second process: %v\n%s", err, logs2.String())
	}
	for i, logs := range []*lockedBuffer{&logs1, &logs2} {
		if n := logs.count("partitions assigned"); n < 2 {
			t.Errorf("process %d saw %d assignments, want a rebalance (at least 2)", i+1, n)
		}
	}
	lakeDir := l.Local(t)
	assertExactlyOnce(t, openDuck(t), lakeDir, int64(len(msgs)))
	assertNoTempFiles(t, lakeDir)
}

// lockedBuffer is a process's log, read while the process writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// count is how many times s occurs in the log so far.
func (b *lockedBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Count(b.buf.Bytes(), []byte(s))
}

// TestRunFollowsLeaderAndCoordinatorMoves moves partition leaders and the
// group coordinator between three brokers while ingest runs.
func TestRunFollowsLeaderAndCoordinatorMoves(t *testing.T) {
	if testing.Short() {
		t.Skip("producing through leader moves takes seconds")
	}
	b, err := broker.Start(context.Background(), broker.Config{Partitions: 3, Nodes: 3, Topics: []string{testTopic}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	msgs, _, _ := mixedMessages(t, 900)
	lakeDir := t.TempDir()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	// No UntilIdle: producing through leader moves stalls for seconds, which
	// would look idle. The run is stopped once everything is in the lake.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: lakeDir, FlushRows: 120, FlushInterval: 300 * time.Millisecond, Metrics: m})
		done <- err
	}()
	c := b.Cluster()
	i := int32(0)
	for chunk := range slicesChunk(msgs, 150) {
		produce(t, b.Addr(), chunk)
		for p := range int32(3) {
			if err := c.MoveTopicPartition(testTopic, p, (p+i)%3); err != nil {
				t.Fatal(err)
			}
		}
		if i%2 == 1 {
			c.RehashCoordinators()
		}
		i++
	}
	waitFor(t, "every message written", func() bool {
		return counterValue(t, m.events)+sumDead(t, m) >= float64(len(msgs))
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	assertExactlyOnce(t, openDuck(t), lakeDir, int64(len(msgs)))
}

// TestRunSurvivesBrokerRestart stops the broker mid-run and starts it again
// on the same port and data directory: ingest reconnects with backoff and
// the lake ends exactly once.
func TestRunSurvivesBrokerRestart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := broker.Config{Partitions: 2, Topics: []string{testTopic}, Port: port, DataDir: t.TempDir()}
	b, err := broker.Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	msgs, _, _ := mixedMessages(t, 800)
	half := len(msgs) / 2
	produce(t, b.Addr(), msgs[:half])
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	lakeDir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: lakeDir, FlushRows: 100, FlushInterval: 200 * time.Millisecond, SessionTimeout: 2 * time.Second, Metrics: m})
		done <- err
	}()
	waitFor(t, "the first half written", func() bool { return counterValue(t, m.events)+sumDead(t, m) >= float64(half) })
	b.Close()
	time.Sleep(time.Second)
	b, err = broker.Start(context.Background(), cfg)
	if err != nil {
		t.Fatalf("restart broker on port %d: %v", port, err)
	}
	t.Cleanup(b.Close)
	produce(t, b.Addr(), msgs[half:])
	waitFor(t, "every message written", func() bool { return counterValue(t, m.events)+sumDead(t, m) >= float64(len(msgs)) })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	assertExactlyOnce(t, openDuck(t), lakeDir, int64(len(msgs)))
}
