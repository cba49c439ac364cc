package verify

import (
	"context"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"sort"
	"time"

	"github.com/parley-cx/parley/internal/lake"
	"github.com/parley-cx/parley/metrics/spec"
)

// keyRow is what the first pass keeps of every lake row: enough to deduplicate, to order a
// conversation, and to find its customer and start.
type keyRow struct {
	eventID, conversationID, typ, source string
	actorRole, actorID                   *string
	occurredAt, ingestedAt               time.Time
	partition                            int32
	offset                               int64
}

func keyOf(r *lake.Row) keyRow {
	return keyRow{
		eventID: r.EventID, conversationID: r.ConversationID, typ: r.Type,
		actorRole: r.ActorRole, actorID: r.ActorID, source: r.Source,
		occurredAt: r.OccurredAt, ingestedAt: r.IngestedAt, partition: r.Partition, offset: r.Offset,
	}
}

func (k keyRow) row() lake.Row {
	return lake.Row{
		EventID: k.eventID, ConversationID: k.conversationID, Type: k.typ,
		ActorRole: k.actorRole, ActorID: k.actorID, Source: k.source,
		OccurredAt: k.occurredAt, IngestedAt: k.ingestedAt, Partition: k.partition, Offset: k.offset,
	}
}

// lakeIndex is the first pass over the lake: which copy of every event is kept (spec.Dedup's
// rule), so which conversation each event belongs to, and every conversation's start.
type lakeIndex struct {
	files []string
	rows  int64
	// owner maps every event_id to the conversation of its kept copy.
	owner map[string]string
	// conversations lists every conversation of the lake, sorted.
	conversations []string
	ctx           spec.Context
}

// lakeFiles lists the complete events files of the lake, as the build globs them.
func lakeFiles(root string) ([]string, error) {
	files, err := filepath.Glob(lake.EventsGlob(root))
	if err != nil {
		return nil, fmt.Errorf("verify: list lake %s: %w", root, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("verify: no events files in the lake %s (%s)", root, lake.EventsGlob(root))
	}
	return files, nil
}

// indexLake reads the whole lake once and keeps only the key columns of each row.
func indexLake(ctx context.Context, root string, sc spec.Context, log func(string, ...any)) (*lakeIndex, error) {
	files, err := lakeFiles(root)
	if err != nil {
		return nil, err
	}
	kept := map[string]keyRow{}
	idx := &lakeIndex{files: files, owner: map[string]string{}}
	for i, path := range files {
		err := lake.EachRow(ctx, path, func(r *lake.Row) error {
			idx.rows++
			k := keyOf(r)
			if old, seen := kept[k.eventID]; !seen || spec.IngestedBefore(k.row(), old.row()) {
				kept[k.eventID] = k
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
		if (i+1)%200 == 0 {
			log("verify: indexing the lake", "files", fmt.Sprintf("%d/%d", i+1, len(files)), "rows", idx.rows)
		}
	}
	byConversation := map[string][]keyRow{}
	for id, k := range kept {
		idx.owner[id] = k.conversationID
		byConversation[k.conversationID] = append(byConversation[k.conversationID], k)
		if k.occurredAt.After(sc.LastEventAt) {
			sc.LastEventAt = k.occurredAt.UTC()
		}
	}
	clear(kept)
	sc.Starts = map[string][]spec.Start{}
	for id, keys := range byConversation {
		rows := make([]lake.Row, len(keys))
		for i, k := range keys {
			rows[i] = k.row()
		}
		customer, start, err := spec.StartOf(rows)
		if err != nil {
			return nil, fmt.Errorf("verify: conversation %s: %w", id, err)
		}
		if customer != "" {
			sc.Starts[customer] = append(sc.Starts[customer], start)
		}
		idx.conversations = append(idx.conversations, id)
	}
	sort.Strings(idx.conversations)
	idx.ctx = sc
	return idx, nil
}

// sample picks n conversations, the same ones for the same seed and lake: those whose hash of
// (seed, conversation_id) is smallest. n <= 0 or n >= all picks all of them.
func sample(ids []string, n int, seed int64) []string {
	if n <= 0 || n >= len(ids) {
		return ids
	}
	type scored struct {
		id string
		h  uint64
	}
	all := make([]scored, len(ids))
	for i, id := range ids {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d\x00%s", seed, id)
		all[i] = scored{id, h.Sum64()}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].h != all[j].h {
			return all[i].h < all[j].h
		}
		return all[i].id < all[j].id
	})
	out := make([]string, n)
	for i := range out {
		out[i] = all[i].id
	}
	sort.Strings(out)
	return out
}

// readConversations reads the lake again for the events of a batch of conversations: every copy
// (duplicates included) of every event whose kept copy belongs to one of them, by conversation.
func readConversations(ctx context.Context, idx *lakeIndex, wanted []string) (map[string][]lake.Row, error) {
	want := map[string]bool{}
	for _, id := range wanted {
		want[id] = true
	}
	out := map[string][]lake.Row{}
	for _, path := range idx.files {
		err := lake.EachRow(ctx, path, func(r *lake.Row) error {
			if conv := idx.owner[r.EventID]; want[conv] {
				out[conv] = append(out[conv], *r)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("verify: %w", err)
		}
	}
	return out, nil
}
