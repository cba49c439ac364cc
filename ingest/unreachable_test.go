package ingest

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/parley-cx/parley/internal/broker"
)

// closedPort is an address on 127.0.0.1 where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	addr, err := broker.ClosedAddr()
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// TestRunFailsWhenGroupCannotBeJoined: with no broker at the address, a
// batch run (UntilIdle) used to log "join consumer group failed, retrying"
// until it was killed. It fails with ErrJoinTimeout, by default after the
// longer of UntilIdle and twice SessionTimeout, naming the last failure;
// an explicit JoinTimeout bounds a service (no UntilIdle) too.
func TestRunFailsWhenGroupCannotBeJoined(t *testing.T) {
	addr := closedPort(t)
	for name, cfg := range map[string]Config{
		"batch run, default":      {UntilIdle: time.Second, SessionTimeout: time.Second},
		"service, --join-timeout": {JoinTimeout: 2 * time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			cfg.Brokers, cfg.Topic, cfg.Lake = []string{addr}, testTopic, t.TempDir()
			// Only a guard: without the bound, Run ends with this context's error.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			st, err := Run(ctx, cfg)
			if !errors.Is(err, ErrJoinTimeout) || !strings.Contains(err.Error(), addr) || !strings.Contains(err.Error(), "connection refused") {
				t.Fatalf("Run = %s, %v; want ErrJoinTimeout naming %s and the refused connection", st, err, addr)
			}
		})
	}
}

// TestRunServiceKeepsJoiningLoudly: without UntilIdle or JoinTimeout, a
// run that cannot reach its brokers keeps trying, as a service must, and
// its log turns from WARN to ERROR once failures last longer than twice
// the session timeout; it ends cleanly when told to stop.
func TestRunServiceKeepsJoiningLoudly(t *testing.T) {
	var logs lockedBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := Run(ctx, Config{Brokers: []string{closedPort(t)}, Topic: testTopic, Lake: t.TempDir(), SessionTimeout: time.Second,
			Log: slog.New(slog.NewTextHandler(&logs, nil))})
		done <- err
	}()
	loud := `level=ERROR msg="ingest: join consumer group failed, retrying"`
	guard := time.After(time.Minute) // only so that a run that never logs it ends the test
	for !strings.Contains(logs.String(), loud) {
		select {
		case err := <-done:
			t.Fatalf("Run stopped by itself (%v) before logging %s:\n%s", err, loud, logs.String())
		case <-guard:
			cancel()
			t.Fatalf("no failure to join logged at ERROR:\n%s", logs.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	if !strings.Contains(logs.String(), `level=WARN msg="ingest: join consumer group failed, retrying"`) {
		t.Errorf("the first failures were not logged at WARN:\n%s", logs.String())
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run stopped by its context = %v, want nil", err)
	}
}

func TestJoinTimeoutDefault(t *testing.T) {
	tests := []struct {
		cfg  Config
		want time.Duration
	}{
		{Config{UntilIdle: 5 * time.Second}, 20 * time.Second}, // twice the default session timeout
		{Config{UntilIdle: time.Minute}, time.Minute},
		{Config{UntilIdle: 5 * time.Second, SessionTimeout: 30 * time.Second}, time.Minute},
		{Config{UntilIdle: 5 * time.Second, JoinTimeout: 3 * time.Second}, 3 * time.Second},
		{Config{}, 0}, // a service retries forever
		{Config{JoinTimeout: time.Hour}, time.Hour},
	}
	for _, tc := range tests {
		if got := tc.cfg.withDefaults().JoinTimeout; got != tc.want {
			t.Errorf("%+v: JoinTimeout %s, want %s", tc.cfg, got, tc.want)
		}
	}
	bad := Config{Brokers: []string{"h:1"}, Topic: "t", Lake: "l", JoinTimeout: -time.Second}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "join_timeout") {
		t.Errorf("a negative JoinTimeout: %v, want an error naming join_timeout", err)
	}
}
