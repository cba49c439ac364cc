package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"

	"github.com/parley-cx/parley/internal/autoqa"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/warehouse"
)

// TestRunAndAppendKeepsOrder: runAndAppend, whose workers take blocks of
// conversations while the verdicts are appended block by block, writes
// exactly what the checks give each conversation run one by one, in the
// conversations' order, across many blocks and more verdicts than one
// append holds (verdictBatches batches of a data chunk).
func TestRunAndAppendKeepsOrder(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(filepath.Join(t.TempDir(), "w.duckdb"), false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE auto_qa (conversation_id VARCHAR NOT NULL, "check" VARCHAR NOT NULL,
		result VARCHAR NOT NULL, evidence_seq BIGINT, detail VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	suite, err := autoqa.New(config.Default().QA.Auto, &autoqa.Env{})
	if err != nil {
		t.Fatal(err)
	}
	replies := []string{
		"Hello Anna, thanks for waiting. I have checked your order and it will arrive tomorrow. Anything else I can help with?",
		"Please send me the full card number so I can check the payment.",
		"I recieve teh parcle tommorow and will call you back later today about it.",
		"Sorry about that, I understand how frustrating this is. The refund is on its way.",
	}
	complaints := []string{"where is my order?", "this is terrible, the app crashed again and nothing works", "thanks, great help"}
	// Enough conversations for several blocks and more than one append.
	n := verdictBatches*warehouse.ChunkRows()/len(suite.Names()) + 3*autoQABlock + 7
	convs := make([]*autoqa.Conversation, n)
	want := make([][]autoqa.Verdict, n)
	for i := range convs {
		c := &autoqa.Conversation{ID: fmt.Sprintf("c%05d", i), Channel: "webchat", Resolved: i%3 == 0, Complete: true}
		c.Events = []autoqa.Event{
			{Seq: 2, Type: autoqa.TypeMessage, Role: autoqa.RoleAgent, Text: replies[i%len(replies)]},
			{Seq: 1, Type: autoqa.TypeMessage, Role: autoqa.RoleCustomer, Text: complaints[i%len(complaints)]},
			{Seq: 3, Type: autoqa.TypeMessage, Role: autoqa.RoleCustomer, Text: complaints[(i/3)%len(complaints)]},
		}
		convs[i] = c
		one := *c
		one.Events = slices.Clone(c.Events)
		slices.SortFunc(one.Events, func(a, b autoqa.Event) int { return int(a.Seq - b.Seq) })
		want[i] = suite.Run(&one)
	}
	r := &runner{conn: conn, settings: config.Default(), log: slog.New(slog.DiscardHandler)}
	rows, err := r.runAndAppend(ctx, suite, convs)
	if err != nil {
		t.Fatal(err)
	}
	if rows != int64(n*len(suite.Names())) {
		t.Errorf("runAndAppend reports %d rows, want %d", rows, n*len(suite.Names()))
	}
	got, err := conn.QueryContext(ctx, `SELECT conversation_id, "check", result, coalesce(evidence_seq, 0), detail FROM auto_qa ORDER BY rowid`)
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	k := 0
	for ; got.Next(); k++ {
		var id string
		var v autoqa.Verdict
		if err := got.Scan(&id, &v.Check, &v.Result, &v.Evidence, &v.Detail); err != nil {
			t.Fatal(err)
		}
		i, j := k/len(suite.Names()), k%len(suite.Names())
		if i >= n || id != convs[i].ID || v != want[i][j] {
			t.Fatalf("row %d: %s %+v, want %s %+v", k, id, v, convs[min(i, n-1)].ID, want[min(i, n-1)][j])
		}
	}
	if err := got.Err(); err != nil {
		t.Fatal(err)
	}
	if k != n*len(suite.Names()) {
		t.Errorf("auto_qa holds %d rows, want %d", k, n*len(suite.Names()))
	}
}
