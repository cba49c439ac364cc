package governance

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/parley-cx/parley/internal/csvsafe"
	"github.com/parley-cx/parley/internal/lake"
)

// OutputRewriter removes conversations from one kind of output this
// package does not know the layout of: cmd/parley passes QA's, for packet
// folders and ledgers. It is offered every folder and file under the
// outputs, a folder before its contents, and reports whether path is of its
// kind; if so, governance rewrites nothing inside it. drop says whether a
// conversation ID is one to remove. With dryRun it only reports.
type OutputRewriter func(ctx context.Context, path string, drop func(conversationID string) bool, dryRun bool) (OutputRewrite, error)

// OutputRewrite is what an OutputRewriter did with one path.
type OutputRewrite struct {
	// Handled says path was of the rewriter's kind.
	Handled bool
	// Files rewritten (or, in a dry run, that would be), as paths.
	Files []string
	// Removed counts the entries (rows, pages) removed.
	Removed int
}

// OutputStats counts what erasing from outputs did (or would do).
type OutputStats struct {
	// FilesChecked under the outputs; FilesRewritten of them changed.
	FilesChecked, FilesRewritten int
	// Removed counts rows and pages removed.
	Removed int64
	// StillHolding counts the files that still hold the customer's ID or
	// one of their conversations' IDs after the rewrite (in a dry run:
	// before it); the OutputsStillHoldError names them.
	StillHolding int
}

// idColumns are the columns by which a row of an output names a
// conversation or a customer: those of the warehouse's views. A row with a
// review_id and no conversation_id (qa_ratings) belongs to the review's
// conversation, as a table with both columns (qa_reviews) says.
var idColumns = [...]string{"conversation_id", "customer_id", "actor_id", "review_id"}

// outputEraser removes the customer's conversations from the outputs.
type outputEraser struct {
	cfg EraseConfig
	log *slog.Logger
	// convs are the customer's conversations by ID; hashed are the SHA-256
	// of those earlier erase runs of the same customer recorded, so that
	// outputs are found after the lake no longer holds the customer.
	convs, hashed map[string]bool
	st            *OutputStats
	// remaining are the files check found still holding them.
	remaining []string
	// rewritten are the files rewritten (in a dry run: that would be).
	rewritten map[string]bool
	// reviews are the conversations of the reviews met in the outputs, by review ID.
	reviews map[string]string
}

// drop reports whether conversation id is the customer's, learning it when
// only its digest was known (the residual check needs the ID itself).
func (o *outputEraser) drop(id string) bool {
	if id == "" {
		return false
	}
	if o.convs[id] {
		return true
	}
	if o.hashed[CustomerDigest(id)] {
		o.convs[id] = true
		return true
	}
	return false
}

// dropRow reports whether a row with these ID columns ("" when absent) goes.
// Its review, if it names one, is learnt: a row naming only the review
// goes with the review's conversation.
func (o *outputEraser) dropRow(ids [len(idColumns)]string) bool {
	conv, customer, actor, review := ids[0], ids[1], ids[2], ids[3]
	switch {
	case review != "" && conv == "":
		conv = o.reviews[review]
	case review != "":
		if o.reviews == nil {
			o.reviews = make(map[string]string)
		}
		o.reviews[review] = conv
	}
	if customer == o.cfg.Customer || actor == o.cfg.Customer {
		if conv != "" {
			o.convs[conv] = true
		}
		return true
	}
	return o.drop(conv)
}

// run rewrites every output, then checks every file under them for what is
// left. Outputs are whole conversations: a conversation of the customer's
// goes from them entirely, with --conversations or without.
func (o *outputEraser) run(ctx context.Context) error {
	// First learn the customer's conversations from outputs that say whose
	// they are (an exported conversations view), and the reviews'
	// conversations (qa_reviews), so that every output, whatever order it
	// is met in, loses all of them.
	err := o.walk(func(path string, d fs.DirEntry) error {
		if d.IsDir() || !isTable(path) {
			return nil
		}
		_, _, err := o.table(ctx, path, false)
		return err
	})
	if err != nil {
		return err
	}
	err = o.walk(func(path string, d fs.DirEntry) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, rw := range o.cfg.OutputRewriters {
			res, err := rw(ctx, path, o.drop, o.cfg.DryRun)
			if err != nil {
				return err
			}
			if res.Handled {
				o.count(res.Files, res.Removed)
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
		}
		if d.IsDir() || !isTable(path) {
			return nil
		}
		removed, _, err := o.table(ctx, path, !o.cfg.DryRun)
		if removed > 0 {
			o.count([]string{path}, int(removed))
		}
		return err
	})
	if err != nil {
		return err
	}
	return o.check(ctx)
}

// count records the files of one output rewritten, and the rows and pages it lost.
func (o *outputEraser) count(files []string, removed int) {
	if o.rewritten == nil {
		o.rewritten = make(map[string]bool)
	}
	for _, f := range files {
		o.rewritten[f] = true
	}
	o.st.FilesRewritten += len(files)
	o.st.Removed += int64(removed)
	if len(files) > 0 {
		o.log.Info(didOrWould(o.cfg.DryRun, "erase: output rewritten", "erase: would rewrite output"), "files", files, "removed", removed, "dry_run", o.cfg.DryRun)
	}
}

// walk calls fn for every folder and regular file under the outputs.
// Symlinks are not followed: they are reported as unchecked.
func (o *outputEraser) walk(fn func(path string, d fs.DirEntry) error) error {
	for _, root := range o.cfg.Outputs {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("governance: erase outputs: %w", err)
			}
			if d.Type()&fs.ModeSymlink != 0 || !(d.IsDir() || d.Type().IsRegular()) {
				return nil
			}
			return fn(path, d)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// check lists the files under the outputs that still hold the customer's
// ID or a conversation ID of theirs: Parquet files by their decoded string
// values, every other file by its bytes, in the forms Parley writes IDs in
// (as is, HTML-escaped, JSON-escaped, CSV-quoted), as whole words. Links
// are listed too: they were not followed. A dry run lists the files a real
// run would leave holding them: those it would not rewrite.
func (o *outputEraser) check(ctx context.Context) error {
	ids := []string{o.cfg.Customer}
	for c := range o.convs {
		ids = append(ids, c)
	}
	var words [][]byte
	for _, id := range ids {
		for _, w := range encodings(id) {
			if !slices.ContainsFunc(words, func(x []byte) bool { return string(x) == w }) {
				words = append(words, []byte(w))
			}
		}
	}
	// Conversations known only by digest (from earlier runs) and met in no
	// table: text is split into tokens, and each token's digest compared.
	unresolved := maps.Clone(o.hashed)
	for c := range o.convs {
		delete(unresolved, CustomerDigest(c))
	}
	for _, root := range o.cfg.Outputs {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("governance: check outputs: %w", err)
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if d.Type()&fs.ModeSymlink != 0 {
				o.remaining = append(o.remaining, path+" (a link, not followed)")
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			o.st.FilesChecked++
			if o.cfg.DryRun && o.rewritten[path] {
				return nil // a real run rewrites it; the check is for what it cannot
			}
			holds, isParquet := false, false
			if strings.HasSuffix(path, lake.ParquetExt) {
				holds, isParquet, err = parquetHolds(path, func(v []byte) bool { return string(v) == o.cfg.Customer || o.drop(string(v)) })
			}
			if err == nil && !isParquet {
				holds, err = textHolds(path, openFile(path), words, unresolved)
			}
			if err == nil && !holds && !isParquet {
				// A page's figures are embedded compressed: decoded, they are text again.
				holds, err = embeddedHolds(path, func(name string, open opener) (bool, error) {
					return textHolds(name, open, words, unresolved)
				})
			}
			if err != nil {
				return err
			}
			if holds {
				o.remaining = append(o.remaining, path)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// encodings are the forms an ID takes in the files Parley writes.
func encodings(id string) []string {
	var html strings.Builder
	// Pages print IDs through html/template, which escapes more than
	// html.EscapeString does (a "+" becomes "&#43;").
	if err := template.Must(template.New("").Parse("{{.}}")).Execute(&html, id); err != nil {
		html.Reset()
	}
	forms := []string{id, html.String(), strings.ReplaceAll(id, `"`, `""`)}
	for _, escapeHTML := range []bool{true, false} {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(escapeHTML)
		if enc.Encode(id) == nil {
			forms = append(forms, strings.TrimSuffix(strings.TrimSuffix(b.String(), "\n"), `"`)[1:])
		}
	}
	return slices.DeleteFunc(forms, func(s string) bool { return s == "" })
}

// opener opens a fresh reader of one text to check (a file, or data a
// file embeds), so that it can be read more than once.
type opener func() (io.ReadCloser, error)

// openFile opens the file at path.
func openFile(path string) opener {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// textHolds reports whether the text open reads (name says what it is, for
// errors) holds one of words as a whole word, or a token whose digest is
// one of unresolved.
func textHolds(name string, open opener, words [][]byte, unresolved map[string]bool) (bool, error) {
	holds, err := holdsWord(name, open, words)
	if err == nil && !holds && len(unresolved) > 0 {
		holds, err = holdsToken(name, open, func(tok []byte) bool { return unresolved[CustomerDigest(string(tok))] })
	}
	return holds, err
}

// minEmbedded is the shortest run of base64 embeddedHolds decodes: shorter
// ones are words and IDs, not embedded data.
const minEmbedded = 64

// embeddedHolds reports whether data the file at path embeds in base64
// holds what holds looks for, once decoded and, if it is gzip, inflated:
// a report page's figures (gzipped JSON, dashboards' encodeData), a CSV
// download in a data: URL. Base64 in a JSON or JavaScript string may
// escape "/" as \/ and "+" or "=" as \u002b, \u003d; those read as the
// characters. Runs are decoded one level deep: Parley embeds nothing in
// what it embeds.
func embeddedHolds(path string, holds func(name string, open opener) (bool, error)) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("governance: check %s: %w", path, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var run []byte
	for {
		b, err := r.ReadByte()
		eof := errors.Is(err, io.EOF)
		if err != nil && !eof {
			return false, fmt.Errorf("governance: check %s: %w", path, err)
		}
		if !eof && b == '\\' {
			b = unescapeBase64(r)
		}
		if !eof && isBase64(b) {
			run = append(run, b)
			continue
		}
		if len(run) >= minEmbedded {
			if data, ok := decodeEmbedded(run); ok {
				name := fmt.Sprintf("%s (data embedded in base64)", path)
				if h, err := holds(name, data); h || err != nil {
					return h, err
				}
			}
		}
		run = run[:0]
		if eof {
			return false, nil
		}
	}
}

// unescapeBase64 reads what follows a backslash: the base64 character a
// JSON or JavaScript escape stands for, or 0 (no base64 character) when it
// is not one.
func unescapeBase64(r *bufio.Reader) byte {
	next, err := r.Peek(1)
	if err != nil {
		return 0
	}
	if next[0] == '/' {
		_, _ = r.ReadByte() //nolint:errcheck // peeked
		return '/'
	}
	esc, err := r.Peek(5)
	if err != nil || esc[0] != 'u' {
		return 0
	}
	var c byte
	switch strings.ToLower(string(esc[1:])) {
	case "002b":
		c = '+'
	case "002f":
		c = '/'
	case "003d":
		c = '='
	}
	if c != 0 {
		_, _ = r.Discard(5) //nolint:errcheck // peeked
	}
	return c
}

// isBase64 says whether b is of the standard base64 alphabet or its padding.
func isBase64(b byte) bool {
	return 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '+' || b == '/' || b == '='
}

// decodeEmbedded decodes a run of base64 and, if that is gzip, opens it
// inflated; ok is false when the run is not base64 after all.
func decodeEmbedded(run []byte) (opener, bool) {
	data, err := base64.StdEncoding.DecodeString(string(run))
	if err != nil {
		if data, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(string(run), "=")); err != nil {
			return nil, false
		}
	}
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b { // not gzip
		return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, true
	}
	return func() (io.ReadCloser, error) { return gzip.NewReader(bytes.NewReader(data)) }, true
}

// holdsWord reports whether any of words occurs as a whole word
// (containsWord) in what open reads, reading it in pieces whatever its
// size; name says what it is, for errors.
func holdsWord(name string, open opener, words [][]byte) (bool, error) {
	f, err := open()
	if err != nil {
		return false, fmt.Errorf("governance: check %s: %w", name, err)
	}
	defer f.Close()
	longest := 0
	for _, w := range words {
		longest = max(longest, len(w))
	}
	// Each piece starts with the previous one's last longest+1 bytes, so a
	// word across two pieces, and the byte after it, are seen together.
	buf := make([]byte, 0, 1<<20+longest+1)
	for {
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		eof := errors.Is(err, io.EOF)
		if err != nil && !eof {
			return false, fmt.Errorf("governance: check %s: %w", name, err)
		}
		for _, w := range words {
			// Short of the end, a word touching the piece's end waits for the next piece.
			if containsWordIn(buf, w, eof) {
				return true, nil
			}
		}
		if eof {
			return false, nil
		}
		keep := min(len(buf), longest+1)
		buf = append(buf[:0], buf[len(buf)-keep:]...)
	}
}

// maxToken bounds the tokens holdsToken considers: longer ones are no ID.
const maxToken = 1 << 10

// holdsToken reports whether match accepts any token of what open reads: a
// run of bytes between white space and the delimiters of CSV, HTML and
// JSON; name says what it is, for errors.
func holdsToken(name string, open opener, match func([]byte) bool) (bool, error) {
	f, err := open()
	if err != nil {
		return false, fmt.Errorf("governance: check %s: %w", name, err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	tok := make([]byte, 0, maxToken)
	long := false
	for {
		b, err := r.ReadByte()
		eof := errors.Is(err, io.EOF)
		if err != nil && !eof {
			return false, fmt.Errorf("governance: check %s: %w", name, err)
		}
		if eof || strings.IndexByte(" \t\r\n\"',;<>&=()[]{}", b) >= 0 {
			if !long && len(tok) > 0 && match(tok) {
				return true, nil
			}
			tok, long = tok[:0], false
			if eof {
				return false, nil
			}
			continue
		}
		if len(tok) == maxToken {
			long = true
			continue
		}
		tok = append(tok, b)
	}
}

// isTable reports whether path may be a table of rows erase can rewrite.
func isTable(path string) bool {
	return strings.HasSuffix(path, lake.ParquetExt) || strings.HasSuffix(path, ".csv")
}

// table scans (or, with write, rewrites) the CSV or Parquet file at path,
// dropping the rows dropRow rejects. It reports how many rows go and
// whether the file has any ID column at all.
func (o *outputEraser) table(ctx context.Context, path string, write bool) (int64, bool, error) {
	scan := csvRows
	if strings.HasSuffix(path, lake.ParquetExt) {
		scan = parquetRows
	}
	removed, hasIDs, err := scan(ctx, path, o.dropRow, nil)
	if err != nil || !write || removed == 0 {
		return removed, hasIDs, err
	}
	err = replaceFile(path, func(w io.Writer) error {
		_, _, err := scan(ctx, path, o.dropRow, w)
		return err
	})
	return removed, hasIDs, err
}

// rowScanner reads the rows of a table file, passes the values of its ID
// columns to drop, and, if out is set, writes the rows kept to out in the
// file's own format and schema.
type rowScanner func(ctx context.Context, path string, drop func([len(idColumns)]string) bool, out io.Writer) (removed int64, hasIDs bool, err error)

func csvRows(ctx context.Context, path string, drop func([len(idColumns)]string) bool, out io.Writer) (int64, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false, fmt.Errorf("governance: open %s: %w", path, err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	head, err := r.Read()
	if errors.Is(err, io.EOF) {
		return 0, false, nil
	}
	if err != nil {
		// Not CSV after all: only the byte check applies.
		return 0, false, nil //nolint:nilerr // a .csv that does not parse is not a table
	}
	var w *csv.Writer
	if out != nil {
		w = csv.NewWriter(out)
		if err := w.Write(head); err != nil {
			return 0, true, err
		}
	}
	cols, hasIDs := columnIndexes(head)
	if !hasIDs && out == nil {
		return 0, false, nil
	}
	var removed int64
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return removed, hasIDs, err
			}
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return removed, hasIDs, fmt.Errorf("governance: read %s: %w", path, err)
		}
		var ids, unescaped [len(idColumns)]string
		for i, c := range cols {
			if c >= 0 && c < len(rec) {
				ids[i] = rec[c]
				// Parley's CSVs put a quote before a text cell a spreadsheet
				// would run ("'-abc"); a CSV from elsewhere may not. Either
				// reading counts, and the row is written back as it was read.
				unescaped[i] = csvsafe.Unescape(rec[c])
			}
		}
		if drop(ids) || unescaped != ids && drop(unescaped) {
			removed++
			continue
		}
		if w != nil {
			if err := w.Write(rec); err != nil {
				return removed, hasIDs, err
			}
		}
	}
	if w != nil {
		w.Flush()
		return removed, hasIDs, w.Error()
	}
	return removed, hasIDs, nil
}

// columnIndexes finds the ID columns in a CSV header (-1 when absent).
func columnIndexes(head []string) (cols [len(idColumns)]int, any bool) {
	for i, name := range idColumns {
		cols[i] = slices.Index(head, name)
		any = any || cols[i] >= 0
	}
	return cols, any
}

func parquetRows(ctx context.Context, path string, drop func([len(idColumns)]string) bool, out io.Writer) (int64, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false, fmt.Errorf("governance: open %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, false, fmt.Errorf("governance: stat %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return 0, false, nil //nolint:nilerr // not Parquet after all: only the byte check applies
	}
	schema := pf.Schema()
	var cols [len(idColumns)]int
	hasIDs := false
	for i, name := range idColumns {
		cols[i] = -1
		if leaf, ok := schema.Lookup(name); ok && leaf.MaxRepetitionLevel == 0 && leaf.Node.Type().Kind() == parquet.ByteArray {
			cols[i], hasIDs = leaf.ColumnIndex, true
		}
	}
	if !hasIDs {
		return 0, false, nil
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	var w *parquet.Writer
	if out != nil {
		w = parquet.NewWriter(out, append(lake.WriterOptions(), schema)...)
		for _, kv := range pf.Metadata().KeyValueMetadata {
			w.SetKeyValueMetadata(kv.Key, kv.Value)
		}
	}
	buf := make([]parquet.Row, lake.ReadChunk)
	var removed int64
	for {
		if err := ctx.Err(); err != nil {
			return removed, true, err
		}
		n, err := r.ReadRows(buf)
		kept := buf[:0]
		for _, row := range buf[:n] {
			var ids [len(idColumns)]string
			for _, v := range row {
				for i, c := range cols {
					if v.Column() == c && !v.IsNull() {
						ids[i] = string(v.ByteArray())
					}
				}
			}
			if drop(ids) {
				removed++
				continue
			}
			// A copy: the reader reuses the rows' memory on its next read,
			// and the writer may still hold what it was given.
			kept = append(kept, row.Clone())
		}
		if w != nil && len(kept) > 0 {
			if _, werr := w.WriteRows(kept); werr != nil {
				return removed, true, fmt.Errorf("governance: rewrite %s: %w", path, werr)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return removed, true, fmt.Errorf("governance: read %s: %w", path, err)
		}
	}
	if w != nil {
		if err := w.Close(); err != nil {
			return removed, true, fmt.Errorf("governance: rewrite %s: %w", path, err)
		}
	}
	return removed, true, nil
}

// parquetHolds reports whether any string value of the Parquet file at path
// satisfies match, and whether it is a Parquet file at all (if not, its
// bytes are to be checked instead).
func parquetHolds(path string, match func([]byte) bool) (holds, isParquet bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, false, fmt.Errorf("governance: check %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return false, false, fmt.Errorf("governance: check %s: %w", path, err)
	}
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return false, false, nil //nolint:nilerr // not Parquet after all
	}
	r := parquet.NewReader(pf)
	defer r.Close()
	buf := make([]parquet.Row, lake.ReadChunk)
	for {
		n, err := r.ReadRows(buf)
		for _, row := range buf[:n] {
			for _, v := range row {
				if !v.IsNull() && v.Kind() == parquet.ByteArray && match(v.ByteArray()) {
					return true, true, nil
				}
			}
		}
		if errors.Is(err, io.EOF) {
			return false, true, nil
		}
		if err != nil {
			return false, true, fmt.Errorf("governance: check %s: %w", path, err)
		}
	}
}

// conversationDigests are the conversations earlier erase runs of the
// customer recorded in the audit log (by SHA-256, like the customer). A
// line of the log that does not decode was reported when the run started.
func conversationDigests(audit auditLog, customer string) map[string]bool {
	entries, _ := audit.read() //nolint:errcheck // see above; every whole line is returned
	digests := make(map[string]bool)
	want := CustomerDigest(customer)
	for _, e := range entries {
		if e.Action != "erase" || e.Params["customer_sha256"] != want || e.Params["conversations_sha256"] == "" {
			continue
		}
		for _, d := range strings.Split(e.Params["conversations_sha256"], ",") {
			digests[d] = true
		}
	}
	return digests
}

// digestList is the sorted, comma-separated SHA-256 of each conversation ID.
func digestList(convs map[string]bool) string {
	out := make([]string, 0, len(convs))
	for c := range convs {
		out = append(out, CustomerDigest(c))
	}
	slices.Sort(out)
	return strings.Join(out, ",")
}
