package qa

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/csvsafe"
	"github.com/parley-cx/parley/internal/htmlpage"
)

// Erased is what EraseConversations removed from one QA output.
type Erased struct {
	// Files rewritten (or, in a dry run, that would be).
	Files []string
	// Conversations removed.
	Conversations int
}

// EraseConversations removes the conversations for which drop returns true
// from the QA output at path, and reports whether path is a QA output at
// all (a packet folder, or a ledger: a CSV file with the ledger's header).
//
// From a packet, such a conversation loses its rows in manifest.csv and
// manifest.jsonl and its row in index.html, and its transcript page is
// replaced by one saying it was erased on now's date (so its neighbours'
// Previous and Next links still lead somewhere; pages are named by
// position, never by ID). From a ledger, it loses its rows. Every file is
// replaced atomically; the manifests go last, so a run interrupted part way
// finds the conversations again from them. With dryRun nothing is written.
func EraseConversations(ctx context.Context, path string, drop func(conversationID string) bool, dryRun bool, now time.Time) (Erased, bool, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Erased{}, false, fmt.Errorf("qa: erase: %w", err)
	}
	if info.IsDir() {
		return erasePacket(ctx, path, drop, dryRun, now)
	}
	if !isLedger(path) {
		return Erased{}, false, nil
	}
	led, err := readLedger(path)
	if err != nil {
		return Erased{}, true, fmt.Errorf("qa: erase: ledger: %w", err)
	}
	kept := slices.DeleteFunc(slices.Clone(led.rows), func(row []string) bool { return drop(row[colConversation]) })
	var e Erased
	if removed := len(led.rows) - len(kept); removed > 0 {
		e = Erased{Files: []string{path}, Conversations: removed}
		if !dryRun {
			if err := (ledger{rows: kept}).record(path, "", now, 0, nil); err != nil {
				return e, true, fmt.Errorf("qa: erase: %w", err)
			}
		}
	}
	return e, true, nil
}

// isLedger reports whether the file at path starts with the ledger's header.
// Only the first 4 KiB are read: any file may be offered.
func isLedger(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head, err := csv.NewReader(io.LimitReader(f, 4<<10)).Read()
	return err == nil && (slices.Equal(head, ledgerHeader) || slices.Equal(head, ledgerHeaderV1))
}

// erasePacket removes conversations from the packet folder dir, if it is one.
func erasePacket(ctx context.Context, dir string, drop func(string) bool, dryRun bool, now time.Time) (Erased, bool, error) {
	rows, err := readManifestJSONL(filepath.Join(dir, "manifest.jsonl"))
	if errors.Is(err, fs.ErrNotExist) {
		return Erased{}, false, nil
	}
	if err != nil {
		return Erased{}, true, err
	}
	var gone []int
	for i, r := range rows {
		if drop(r.ConversationID) {
			gone = append(gone, i)
		}
	}
	if len(gone) == 0 {
		return Erased{}, true, nil
	}
	e := Erased{Conversations: len(gone)}
	for _, i := range gone {
		e.Files = append(e.Files, filepath.Join(dir, filepath.FromSlash(rows[i].Page)))
	}
	for _, name := range []string{"index.html", TemplateName, "manifest.csv", "manifest.jsonl"} {
		e.Files = append(e.Files, filepath.Join(dir, name))
	}
	if dryRun {
		return e, true, nil
	}
	var pages []string
	for _, i := range gone {
		if err := ctx.Err(); err != nil {
			return e, true, fmt.Errorf("qa: erase: %w", err)
		}
		page := rows[i].Page
		// Only a page inside the packet's transcripts folder is replaced.
		if p := filepath.FromSlash(page); !filepath.IsLocal(p) || filepath.Dir(p) != transcriptDir {
			return e, true, fmt.Errorf("qa: erase: %s: manifest row %d names page %q, outside %s/; not touched", dir, rows[i].N, page, transcriptDir)
		}
		erased, err := erasedPage(rows, i, now)
		if err != nil {
			return e, true, err
		}
		if err := htmlpage.WritePage(filepath.Join(dir, filepath.FromSlash(page)), erased); err != nil {
			return e, true, fmt.Errorf("qa: erase: %w", err)
		}
		pages = append(pages, page)
	}
	kept := slices.Clone(rows)
	for _, i := range slices.Backward(gone) {
		kept = slices.Delete(kept, i, i+1)
	}
	if err := dropIndexRows(dir, pages, len(kept)); err != nil {
		return e, true, err
	}
	if err := dropTemplateRows(filepath.Join(dir, TemplateName), drop); err != nil {
		return e, true, err
	}
	csvData, jsonl, err := encodeManifest(kept)
	if err != nil {
		return e, true, err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "manifest.csv"), csvData); err != nil {
		return e, true, fmt.Errorf("qa: erase: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "manifest.jsonl"), jsonl); err != nil {
		return e, true, fmt.Errorf("qa: erase: %w", err)
	}
	return e, true, nil
}

// dropTemplateRows removes the rows of the dropped conversations from a
// packet's scores template, if it has one (packets made before reviews
// have none). The other rows, filled in or not, are written back as read.
func dropTemplateRows(path string, drop func(string) bool) error {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("qa: erase: %w", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil || len(recs) == 0 {
		return fmt.Errorf("qa: erase: %s is not a scores template (%v); not rewritten", path, err)
	}
	conv := slices.Index(recs[0], "conversation_id")
	if conv < 0 {
		return fmt.Errorf("qa: erase: %s has no conversation_id column; not rewritten", path)
	}
	kept := slices.DeleteFunc(recs[1:], func(rec []string) bool {
		return conv < len(rec) && drop(csvsafe.Unescape(rec[conv]))
	})
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.WriteAll(append(recs[:1], kept...)); err != nil {
		return fmt.Errorf("qa: erase: %w", err)
	}
	if err := atomicfile.WriteFile(path, buf.Bytes()); err != nil {
		return fmt.Errorf("qa: erase: %w", err)
	}
	return nil
}

// readManifestJSONL reads a packet's manifest.jsonl, the rows exactly as
// written (manifest.csv is rendered from the same rows).
func readManifestJSONL(path string) ([]manifestRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []manifestRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var r manifestRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("qa: manifest %s line %d: %w", path, n, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("qa: read manifest %s: %w", path, err)
	}
	return rows, nil
}

var erasedTmpl = template.Must(template.New("erased").Parse(
	`<p>This conversation was removed from the sample by <code>parley erase</code> on {{.}}, at the request of a customer who took part in it. Its transcript, metrics and manifest row are gone.</p>`))

// erasedPage takes the place of transcript i: no ID, no text, same links.
func erasedPage(rows []manifestRow, i int, now time.Time) (htmlpage.Page, error) {
	body, err := htmlpage.Fragment(erasedTmpl, now.UTC().Format(time.DateOnly))
	if err != nil {
		return htmlpage.Page{}, fmt.Errorf("qa: erase: %w", err)
	}
	return htmlpage.Page{
		Title:    "Conversation removed",
		Subtitle: fmt.Sprintf("QA sample %s, #%d", rows[i].Run, rows[i].N),
		Nav:      transcriptNav(rows, i),
		Body:     body,
	}, nil
}

// indexCaption is the caption of the index table (see indexPage).
var indexCaption = regexp.MustCompile(`<caption>\d+ conversations[^<]*</caption>`)

// dropIndexRows removes from the packet's index.html the table rows that
// link to pages, and recounts its caption. A row already gone (a run
// interrupted after this step) is no error.
func dropIndexRows(dir string, pages []string, kept int) error {
	path := filepath.Join(dir, "index.html")
	page, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("qa: erase: %w", err)
	}
	for _, p := range pages {
		// Each transcript is linked once, from its row's conversation cell;
		// cell text is escaped, so "</tr>" can only end the row.
		link := bytes.Index(page, []byte(`<a href="`+template.HTMLEscapeString(p)+`">`))
		if link < 0 {
			continue
		}
		start := bytes.LastIndex(page[:link], []byte("\n<tr>"))
		end := bytes.Index(page[link:], []byte("</tr>"))
		if start < 0 || end < 0 {
			return fmt.Errorf("qa: erase: %s: the row linking to %s is not where a Parley index puts it; not rewritten", path, p)
		}
		page = slices.Delete(page, start, link+end+len("</tr>"))
	}
	// Pages keep their names, so the transcripts folder counts the sample as drawn.
	entries, err := os.ReadDir(filepath.Join(dir, transcriptDir))
	if err != nil {
		return fmt.Errorf("qa: erase: %w", err)
	}
	drawn := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".html") && !strings.HasPrefix(e.Name(), htmlpage.TempPrefix) {
			drawn++
		}
	}
	caption := fmt.Sprintf("<caption>%d conversations (%d removed by parley erase)</caption>", kept, drawn-kept)
	page = indexCaption.ReplaceAllLiteral(page, []byte(caption))
	if err := atomicfile.WriteFile(path, page); err != nil {
		return fmt.Errorf("qa: erase: %w", err)
	}
	return nil
}
