package qa

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parley-cx/parley/internal/browsertest"
)

// TestEraseConversations removes two conversations from a real packet and
// its ledger: their manifest rows, index rows and transcripts go (the
// transcript pages become pages saying so, which still link to their
// neighbours), the rest stays byte for byte, and a dry run changes nothing.
func TestEraseConversations(t *testing.T) {
	var convs []fconv
	for i := range 5 {
		convs = append(convs, fconv{id: fmt.Sprintf("conv-%d", i), agent: "ana", day: 10, complete: true,
			texts: []string{fmt.Sprintf("secret of conv-%d", i)}})
	}
	db := newWarehouse(t, convs)
	res, rows := runSample(t, Config{DB: db, Size: 5, Seed: 1, RandomShare: 1})
	ledgerPath := filepath.Join(filepath.Dir(res.Dir), DefaultLedgerName)
	gone := map[string]bool{"conv-1": true, "conv-3": true}
	drop := func(id string) bool { return gone[id] }
	ctx := context.Background()

	// Not QA outputs: left alone.
	other := filepath.Join(t.TempDir(), "notes.csv")
	if err := os.WriteFile(other, []byte("conversation_id\nconv-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Dir(other), other} {
		if _, ok, err := EraseConversations(ctx, p, drop, false, fixtureNow); ok || err != nil {
			t.Errorf("%s taken for a QA output (%v)", p, err)
		}
	}

	before := snapshotDir(t, filepath.Dir(res.Dir))
	for _, p := range []string{res.Dir, ledgerPath} {
		e, ok, err := EraseConversations(ctx, p, drop, true, fixtureNow)
		if !ok || err != nil || e.Conversations != 2 {
			t.Errorf("dry run on %s: %+v, %v, %v; want 2 conversations found", p, e, ok, err)
		}
	}
	if !maps.Equal(snapshotDir(t, filepath.Dir(res.Dir)), before) {
		t.Fatal("a dry run changed the packet or the ledger")
	}

	e, ok, err := EraseConversations(ctx, res.Dir, drop, false, fixtureNow)
	if !ok || err != nil || e.Conversations != 2 || len(e.Files) != 6 {
		t.Fatalf("packet: %+v, %v, %v; want 2 conversations, 2 pages and 4 files rewritten (index, scores template, manifests)", e, ok, err)
	}
	var kept []manifestRow
	var erasedPages []string
	for _, r := range rows {
		if gone[r.ConversationID] {
			erasedPages = append(erasedPages, r.Page)
		} else {
			kept = append(kept, r)
		}
	}
	csvData, jsonl, err := encodeManifest(kept)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]byte{"manifest.csv": csvData, "manifest.jsonl": jsonl} {
		if got, err := os.ReadFile(filepath.Join(res.Dir, name)); err != nil || string(got) != string(want) {
			t.Errorf("%s after erase:\n%s\nwant the kept rows exactly:\n%s", name, got, want)
		}
	}
	after := snapshotDir(t, filepath.Dir(res.Dir))
	for file, content := range after {
		for id := range gone {
			if strings.Contains(content, id) && !strings.HasSuffix(file, DefaultLedgerName) {
				t.Errorf("%s still holds %s", file, id)
			}
		}
	}
	for _, r := range kept {
		if p := filepath.Join(res.Dir, filepath.FromSlash(r.Page)); after[p] != before[p] {
			t.Errorf("the transcript of kept conversation %s changed", r.ConversationID)
		}
	}

	b := browsertest.New(t)
	idx := b.Open(t, filepath.Join(res.Dir, "index.html"))
	idx.RequireClean(t)
	if n := browsertest.Eval[int](t, idx, `document.querySelectorAll("table.data tbody tr").length`); n != len(kept) {
		t.Errorf("index lists %d conversations, want %d", n, len(kept))
	}
	if c := browsertest.Eval[string](t, idx, `document.querySelector("table.data caption").textContent`); c != "3 conversations (2 removed by parley erase)" {
		t.Errorf("index caption %q", c)
	}
	for _, page := range erasedPages {
		p := b.Open(t, filepath.Join(res.Dir, filepath.FromSlash(page)))
		p.RequireClean(t)
		if text := p.Text(t); !strings.Contains(text, "Conversation removed") || !strings.Contains(text, "removed from the sample by parley erase on 2026-03-20") {
			t.Errorf("%s does not say the conversation was erased:\n%s", page, text)
		}
		// Its navigation still leads to pages that exist.
		links := browsertest.Eval[[]string](t, p, `[...document.querySelectorAll("nav.pages a")].map(a => a.getAttribute("href"))`)
		if len(links) < 3 {
			t.Errorf("%s has navigation %v", page, links)
		}
		for _, l := range links {
			if _, err := os.Stat(filepath.Join(res.Dir, filepath.FromSlash(path.Join(path.Dir(page), l)))); err != nil {
				t.Errorf("%s links to %s: %v", page, l, err)
			}
		}
	}

	e, ok, err = EraseConversations(ctx, ledgerPath, drop, false, fixtureNow)
	if !ok || err != nil || e.Conversations != 2 || !slices.Equal(e.Files, []string{ledgerPath}) {
		t.Fatalf("ledger: %+v, %v, %v", e, ok, err)
	}
	led, err := readLedger(ledgerPath)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, row := range led.rows {
		left = append(left, row[2])
	}
	slices.Sort(left)
	if want := []string{"conv-0", "conv-2", "conv-4"}; !slices.Equal(left, want) {
		t.Errorf("ledger conversations %v, want %v", left, want)
	}

	// Again: nothing left to remove, nothing rewritten.
	settled := snapshotDir(t, filepath.Dir(res.Dir))
	for _, p := range []string{res.Dir, ledgerPath} {
		if e, ok, err := EraseConversations(ctx, p, drop, false, fixtureNow); !ok || err != nil || e.Conversations != 0 || len(e.Files) != 0 {
			t.Errorf("second erase of %s: %+v, %v, %v; want nothing to do", p, e, ok, err)
		}
	}
	if !maps.Equal(snapshotDir(t, filepath.Dir(res.Dir)), settled) {
		t.Error("a second erase changed files")
	}
}

// snapshotDir maps every file under root to its content.
func snapshotDir(t *testing.T, root string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
