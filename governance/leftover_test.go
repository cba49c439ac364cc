package governance

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/parley-cx/parley/internal/lake"
)

// eraseCrashEnv switches the test binary into an `erase` process of the
// lake it names, which SIGKILLs itself when its first rewritten file is
// complete and about to replace the original.
const eraseCrashEnv = "PARLEY_ERASE_CRASH_LAKE"

func TestMain(m *testing.M) {
	if root := os.Getenv(eraseCrashEnv); root != "" {
		testHookBeforeReplace = func() { _ = syscall.Kill(os.Getpid(), syscall.SIGKILL) }
		_, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: target, Reason: "DSR-7"})
		fmt.Fprintln(os.Stderr, "erase helper: not killed before a replace:", err)
		os.Exit(3)
	}
	os.Exit(m.Run())
}

// TestEraseAfterInterruptedErase kills a real erase process mid-rewrite: it
// leaves a finished _tmp-*.erase copy and an audit log whose last line says
// the run started. The next erase removes the copy, records the first run
// as interrupted and itself as its retry, and erases the customer.
func TestEraseAfterInterruptedErase(t *testing.T) {
	root := importLake(t, "crash", testLines())
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), eraseCrashEnv+"="+root)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("erase child: %v, want it killed by SIGKILL\n%s", err, stderr.String())
	}
	temps, err := filepath.Glob(filepath.Join(root, "*", "date=*", lake.TempPrefix+"*.erase"))
	if err != nil || len(temps) != 1 {
		t.Fatalf("after the kill: temporary copies %v (%v), want one", temps, err)
	}
	entries, err := ReadAudit(root)
	if err != nil || len(entries) != 1 || entries[0].Status != StatusStarted {
		t.Fatalf("audit after the kill: %+v (%v), want only the start line", entries, err)
	}
	dead := entries[0].Run

	var logs bytes.Buffer
	st, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: target, Reason: "DSR-7", Log: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if st.Leftovers != 1 || st.Events != 4 {
		t.Errorf("retry: %+v, want 1 leftover removed and the target's 4 events erased", st)
	}
	if _, err := os.Stat(temps[0]); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the interrupted run's copy %s is still there: %v", temps[0], err)
	}
	if rel, _ := filepath.Rel(root, temps[0]); !strings.Contains(logs.String(), rel) {
		t.Errorf("its removal is not logged:\n%s", logs.String())
	}
	entries, err = ReadAudit(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Status)
	}
	if strings.Join(got, ",") != "started,interrupted,started,completed" {
		t.Fatalf("audit statuses %v, want started,interrupted,started,completed", got)
	}
	retry := entries[3].Run
	if e := entries[1]; e.Run != dead || e.Params["ended_by_run"] != retry || e.Params["customer_sha256"] != CustomerDigest(target) || e.Error == "" {
		t.Errorf("interrupted line = %+v", e)
	}
	if e := entries[2]; e.Run != retry || e.Params["retry_of"] != dead {
		t.Errorf("retry's start line = %+v, want it to name %s as the run it retries", e, dead)
	}
	if e := entries[3]; e.Counts["leftovers_removed"] != 1 || e.Counts["events"] != 4 {
		t.Errorf("retry's end line = %+v", e)
	}
	if hits := filesContaining(t, root, []byte(secretA)); len(hits) > 0 {
		t.Errorf("the target's text is still in %v", hits)
	}

	// A third run finds nothing unfinished: no new interrupted line, no retry.
	if _, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: target}); err != nil {
		t.Fatal(err)
	}
	entries, err = ReadAudit(root)
	if err != nil || len(entries) != 6 || entries[4].Params["retry_of"] != "" {
		t.Errorf("after a clean third run: %+v (%v)", entries[4:], err)
	}
}

// TestEraseRemovesCompactLeftover: the old files a compact killed after its
// swap leaves in events/_tmp-date=… hold the customer's rows where no
// rewrite of the live files reaches. Erase removes them, unless the compact
// is still running (then they are its to delete, and erase says so).
func TestEraseRemovesCompactLeftover(t *testing.T) {
	tests := []struct {
		name          string
		dryRun        bool
		compactActive bool
		wantRemoved   bool
		want          EraseStats
	}{
		{"compact dead", false, false, true, EraseStats{Leftovers: 1}},
		{"dry run", true, false, false, EraseStats{Leftovers: 1}},
		{"compact running", false, true, false, EraseStats{LeftoversInUse: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := importLake(t, "left", testLines())
			day := lake.PartitionDir(root, day1)
			stage := filepath.Join(root, lake.EventsDir, lake.StagePrefix+day1.Format("2006-01-02")+"-4242")
			if err := os.Mkdir(stage, 0o755); err != nil {
				t.Fatal(err)
			}
			files, err := filepath.Glob(filepath.Join(day, "*.parquet"))
			if err != nil || len(files) == 0 {
				t.Fatalf("partition files: %v %v", files, err)
			}
			// After the swap the staging name holds the old directory: the same files.
			for _, f := range files {
				if err := os.Link(f, filepath.Join(stage, filepath.Base(f))); err != nil {
					t.Fatal(err)
				}
			}
			if hits := filesContaining(t, stage, []byte(secretA)); len(hits) == 0 {
				t.Fatal("control: the leftover does not hold the target's text")
			}
			if tt.compactActive {
				unlock, err := lake.LockCompact(root)
				if err != nil {
					t.Fatal(err)
				}
				defer unlock() //nolint:errcheck // test cleanup
			}
			st, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: target, DryRun: tt.dryRun})
			if err != nil {
				t.Fatal(err)
			}
			if st.Leftovers != tt.want.Leftovers || st.LeftoversInUse != tt.want.LeftoversInUse {
				t.Errorf("stats %+v, want leftovers %d removed and %d in use", st, tt.want.Leftovers, tt.want.LeftoversInUse)
			}
			_, err = os.Stat(stage)
			if gone := errors.Is(err, os.ErrNotExist); gone != tt.wantRemoved {
				t.Errorf("leftover removed = %v, want %v", gone, tt.wantRemoved)
			}
			if tt.wantRemoved {
				if hits := filesContaining(t, root, []byte(secretA)); len(hits) > 0 {
					t.Errorf("the target's text survives in %v", hits)
				}
			}
			entries, err := ReadAudit(root)
			if err != nil {
				t.Fatal(err)
			}
			last := entries[len(entries)-1]
			if last.Counts["leftovers_removed"] != int64(tt.want.Leftovers) || last.Counts["leftovers_in_use"] != int64(tt.want.LeftoversInUse) {
				t.Errorf("audit counts %v", last.Counts)
			}
		})
	}
}

// TestAuditSurvivesTornLine: a run killed while appending its line leaves
// half a line at the end of the log. The next run still records itself on
// lines of their own, and reading the log returns every whole entry with an
// error naming the torn line.
func TestAuditSurvivesTornLine(t *testing.T) {
	root := importLake(t, "torn", testLines())
	if _, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: other, DryRun: true}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, lake.AuditDir, AuditFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"time":"2026-03-04T10:00:00Z","action":"erase","run":"cut`); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Erase(context.Background(), EraseConfig{Lake: root, Customer: target}); err != nil {
		t.Fatal(err)
	}
	entries, err := ReadAudit(root)
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("read error %v, want one naming line 3", err)
	}
	if len(entries) != 4 || entries[3].Status != StatusCompleted || entries[3].Counts["events"] != 4 {
		t.Errorf("entries %+v, want both runs' start and end lines", entries)
	}
}
