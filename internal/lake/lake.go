// Package lake defines the Parquet lake's layout and row schema, shared by every command that writes it.
package lake

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/version"
)

// Lake layout, relative to the lake root. These paths are a public contract:
// DuckDB, Spark and pyarrow users glob them directly.
const (
	EventsDir     = "events"     // events/date=YYYY-MM-DD/<source>-<first>-<last>.parquet
	DeadLetterDir = "deadletter" // deadletter/date=YYYY-MM-DD/...
	AuditDir      = "_audit"     // append-only log of erase and retention runs
	// TempPrefix starts the name of every file still being written; readers
	// (and the build's glob) ignore it, so a half-written file is never seen.
	TempPrefix = atomicfile.TempPrefix
)

// topDirs are the folders a lake holds at its root, one or more of them
// once anything was written to it.
var topDirs = []string{EventsDir, DeadLetterDir, OffsetsDir, GapsDir, ReviewsDir, AuditDir, ImportsDir}

// Holds reports whether dir is a lake root something was written to: it
// has one of a lake's top folders. An empty folder is a lake nothing was
// written to yet, and Holds says false.
func Holds(dir string) bool {
	for _, name := range topDirs {
		if fi, err := os.Stat(filepath.Join(dir, name)); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// Own reports whether name, an entry of a lake's root, is one Parley
// writes there: a top folder or the lock file.
func Own(name string) bool {
	return name == LockFile || slices.Contains(topDirs, name)
}

// FilePerm is the mode of the files Parley writes into the lake: readable
// by the user running it only, as os.CreateTemp makes them, since they hold
// customers' messages.
const FilePerm = 0o600

// EventsGlob is the pattern that matches every complete events file under root.
func EventsGlob(root string) string {
	return filepath.Join(root, EventsDir, "date=*", "*.parquet")
}

// PartitionDir is the directory of one UTC date's events.
func PartitionDir(root string, day time.Time) string {
	return filepath.Join(root, EventsDir, "date="+day.UTC().Format(time.DateOnly))
}

// Row is one event as stored in the lake: the contract flattened into
// columns, so that SQL users need no nested types, plus where it came from.
//
// Every optional string column is a pointer, nil for NULL. parquet-go
// v0.32 writes an optional Go string as NULL when it is empty, but its
// batch writer finds the runs of NULLs with a bitmap search that misses
// some: within a chunk of 64 rows, a run of NULLs ending at row y followed
// by exactly y values and then only NULLs had those last NULLs written as
// empty strings (62 to_id values of 100,000 synthetic rows;
// docs/performance.md). Pointers take another path, row by row, without
// that search (TestLakeOptionalNulls). Attributes is still a map, so some
// of its NULLs are written as empty maps: through a pointer, parquet-go's
// map writer allocates anew for every row, 1.05-1.21x ingest's CPU where
// every event has attributes (docs/performance.md).
type Row struct {
	EventID        string    `parquet:"event_id"`
	ConversationID string    `parquet:"conversation_id"`
	Type           string    `parquet:"type,dict"`
	OccurredAt     time.Time `parquet:"occurred_at,timestamp(microsecond)"`
	// OccurredOffsetS keeps the producer's UTC offset, which an instant alone loses.
	OccurredOffsetS  int32             `parquet:"occurred_offset_s"`
	Channel          *string           `parquet:"channel,optional,dict"`
	ActorRole        *string           `parquet:"actor_role,optional,dict"`
	ActorID          *string           `parquet:"actor_id,optional,dict"`
	Queue            *string           `parquet:"queue,optional,dict"`
	MessageText      *string           `parquet:"message_text,optional"`
	MessagePrivate   *bool             `parquet:"message_private,optional"`
	MessageAutomated *bool             `parquet:"message_automated,optional"`
	ToRole           *string           `parquet:"to_role,optional,dict"`
	ToID             *string           `parquet:"to_id,optional,dict"`
	ToQueue          *string           `parquet:"to_queue,optional,dict"`
	CSATScore        *int32            `parquet:"csat_score,optional"`
	Attributes       map[string]string `parquet:"attributes,optional"`
	// Extra is the JSON object of fields the contract does not name.
	Extra *string `parquet:"extra,optional"`
	// Source is the Kafka topic, or the import's source name.
	Source string `parquet:"source,dict"`
	// Partition and Offset locate the event in its source (for imports: -1 and the line number).
	Partition  int32     `parquet:"partition"`
	Offset     int64     `parquet:"offset"`
	IngestedAt time.Time `parquet:"ingested_at,timestamp(microsecond)"`
}

// Text is the value of an optional string column: "" for NULL. Files
// written before the columns were pointers (docs/performance.md) may hold
// the empty string for some NULLs; Text reads both the same, as the build
// does.
func Text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// rowValues holds a row's optional strings, which its columns point to, in
// one allocation per row. They are copied rather than pointed to in the
// event: a pointer into the event would move every decoded event, not only
// these strings, to the heap, and tie the row to an event its caller may
// reuse.
type rowValues struct {
	texts [8]string
}

// text stores s as the row's i-th optional string and points to it, or is
// nil (NULL) for "": the contract's "field left out" (docs/events.md).
func (v *rowValues) text(i int, s string) *string {
	if s == "" {
		return nil
	}
	v.texts[i] = s
	return &v.texts[i]
}

// FromEvent flattens a validated event into a lake row.
func FromEvent(ev *event.Event, source string, partition int32, offset int64, ingestedAt time.Time) (Row, error) {
	_, off := ev.OccurredAt.Zone()
	v := new(rowValues)
	r := Row{
		EventID:         ev.EventID,
		ConversationID:  ev.ConversationID,
		Type:            string(ev.Type),
		OccurredAt:      ev.OccurredAt.UTC(),
		OccurredOffsetS: int32(off),
		Channel:         v.text(0, string(ev.Channel)),
		Queue:           v.text(1, ev.Queue),
		Attributes:      ev.Attributes,
		Source:          source,
		Partition:       partition,
		Offset:          offset,
		IngestedAt:      ingestedAt.UTC(),
	}
	if a := ev.Actor; a != nil {
		r.ActorRole, r.ActorID = v.text(2, a.Role), v.text(3, a.ID)
	}
	if m := ev.Message; m != nil {
		r.MessageText, r.MessagePrivate, r.MessageAutomated = &m.Text, &m.Private, &m.Automated
	}
	if t := ev.To; t != nil {
		r.ToRole, r.ToID, r.ToQueue = v.text(4, t.Role), v.text(5, t.ID), v.text(6, t.Queue)
	}
	if c := ev.CSAT; c != nil {
		s := int32(c.Score)
		r.CSATScore = &s
	}
	if len(ev.Extra) > 0 {
		b, err := json.Marshal(ev.Extra)
		if err != nil {
			return Row{}, fmt.Errorf("lake: encode extra fields of event %s: %w", ev.EventID, err)
		}
		r.Extra = v.text(7, string(b))
	}
	return r, nil
}

// OffsetsDir holds one checkpoint per Kafka partition: the next offset to
// read, written only after every file of a batch is durable. It is the
// record ingest resumes from, so replays never duplicate nor skip.
const OffsetsDir = "_offsets"

// ParquetExt ends every complete data file; temporary files never end in it.
const ParquetExt = ".parquet"

// DeadLetterPartitionDir is the directory of the dead letters received on one UTC date.
func DeadLetterPartitionDir(root string, day time.Time) string {
	return filepath.Join(root, DeadLetterDir, "date="+day.UTC().Format(time.DateOnly))
}

// DeadLetterGlob is the pattern that matches every complete dead-letter file under root.
func DeadLetterGlob(root string) string {
	return filepath.Join(root, DeadLetterDir, "date=*", "*.parquet")
}

// CheckpointPath is the offset checkpoint of one Kafka partition.
func CheckpointPath(root, topic string, partition int32) string {
	return filepath.Join(root, OffsetsDir, topic, strconv.Itoa(int(partition))+".json")
}

// KafkaFileName names the file holding offsets first..last of one Kafka
// partition. Every file of one batch (one per date, plus dead letters)
// carries the same name, so a batch is recognisable across directories.
// epoch counts the partition's resets (--reset-partition): after one, the
// partition's offsets start again, so files of a later epoch carry it in
// their name (<topic>-<partition>-<first>-<last>.r<epoch>.parquet) and never
// collide with the files read before the reset.
func KafkaFileName(topic string, partition int32, epoch int, first, last int64) string {
	return fmt.Sprintf("%s-%d-%s%s", topic, partition, rangeName(epoch, first, last), ParquetExt)
}

// ImportsDir holds one record per imported input (ImportRecordPath),
// written after every file of the import is published: it is what makes
// importing the same input again a no-op.
const ImportsDir = "_imports"

// ImportHashLen is the number of hex digits of an input's SHA-256 that its
// file names carry: 64 bits, enough to tell any two inputs of one source
// apart. A hash is never a valid partition number (at most 11 characters
// as a decimal int32), so import names cannot be read as Kafka names.
const ImportHashLen = 16

// ImportFileName names the file holding lines first..last of the import
// input whose SHA-256 (in hex) is hash:
// <source>-<first 16 hex digits of hash>-<first>-<last>.parquet. The hash
// makes the names of two different inputs with the same source name (two
// days' events.jsonl, two imports from stdin) differ, so neither replaces
// the other's files.
func ImportFileName(source, hash string, first, last int64) string {
	return fmt.Sprintf("%s%d-%d%s", ImportFilePrefix(source, hash), first, last, ParquetExt)
}

// ImportFilePrefix starts the name of every file of one import input:
// <source>-<first 16 hex digits of hash>-.
func ImportFilePrefix(source, hash string) string {
	return source + "-" + hash[:ImportHashLen] + "-"
}

// ImportRecordPath is the record of the input of source whose SHA-256 is
// hash: _imports/<source>-<first 16 hex digits of hash>.json.
func ImportRecordPath(root, source, hash string) string {
	return filepath.Join(root, ImportsDir, strings.TrimSuffix(ImportFilePrefix(source, hash), "-")+".json")
}

// ParseKafkaFileName reports the offset range and epoch of name if it is a
// data file of the given topic and partition. Names are parsed from a fixed
// prefix, so topics that contain dashes or digits cannot be confused with
// each other.
func ParseKafkaFileName(name, topic string, partition int32) (first, last int64, epoch int, ok bool) {
	rest, found := strings.CutPrefix(name, topic+"-"+strconv.Itoa(int(partition))+"-")
	if !found {
		return 0, 0, 0, false
	}
	return parseRange(rest, ParquetExt)
}

// rangeName is the <first>-<last>[.r<epoch>] part of the names of a
// partition's data files and gap records.
func rangeName(epoch int, first, last int64) string {
	if epoch == 0 {
		return fmt.Sprintf("%d-%d", first, last)
	}
	return fmt.Sprintf("%d-%d%s%d", first, last, epochMark, epoch)
}

// epochMark introduces the epoch in a name; topics cannot contain it
// followed by digits at the end of a name, because the offsets come after.
const epochMark = ".r"

// parseRange parses <first>-<last>[.r<epoch>]<ext>, the inverse of rangeName.
func parseRange(s, ext string) (first, last int64, epoch int, ok bool) {
	s, found := strings.CutSuffix(s, ext)
	if !found {
		return 0, 0, 0, false
	}
	if i := strings.LastIndex(s, epochMark); i >= 0 {
		e, err := strconv.Atoi(s[i+len(epochMark):])
		if err != nil || e <= 0 || strconv.Itoa(e) != s[i+len(epochMark):] {
			return 0, 0, 0, false
		}
		s, epoch = s[:i], e
	}
	a, b, found := strings.Cut(s, "-")
	if !found {
		return 0, 0, 0, false
	}
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || first < 0 || last < first {
		return 0, 0, 0, false
	}
	return first, last, epoch, true
}

// DeadLetter is one rejected input as stored in the dead-letter store: the
// raw bytes exactly as received (cut at event.MaxEventBytes), where they came
// from, and why they were rejected.
type DeadLetter struct {
	Source    string `parquet:"source,dict"`
	Partition int32  `parquet:"partition"`
	// Offset is the Kafka offset, or the line number for imports.
	Offset int64 `parquet:"offset"`
	// Key and Field are pointers, nil for NULL, for the reason lake.Row's
	// optional columns are.
	Key *[]byte `parquet:"key,optional"`
	Raw []byte  `parquet:"raw"`
	// RawSize is the size received; larger than len(Raw) when Raw was cut.
	RawSize    int64     `parquet:"raw_size"`
	Reason     string    `parquet:"reason,dict"`
	Field      *string   `parquet:"field,optional,dict"`
	Detail     string    `parquet:"detail"`
	ReceivedAt time.Time `parquet:"received_at,timestamp(microsecond)"`
	// ConversationID and ActorID are the conversation_id and actor.id the
	// message named (event.IDScanner), read from the whole message as it
	// arrived, past the cut of Raw and past any decoding error, so that
	// erasure never depends on the stored bytes. Empty when the message
	// named none or was not JSON; NULL in files written before these
	// columns existed (DuckDB: read with union_by_name = true).
	ConversationID *string `parquet:"conversation_id,optional"`
	ActorID        *string `parquet:"actor_id,optional"`
}

// WriterOptions are the Parquet writer settings of lake files that are
// rewritten in place (erase): zstd, and row groups of DuckDB's own size, the
// unit of its parallel scans. The schema comes from the row types' tags.
func WriterOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(&zstd.Codec{Level: zstd.SpeedFastest}),
		parquet.MaxRowsPerRowGroup(122_880),
		CreatedBy(),
	}
}

// CreatedBy is the created_by of every Parquet file Parley writes:
// "parley version <module version> (build <VCS revision>)".
func CreatedBy() parquet.WriterOption {
	v := version.Get()
	// parquet-go writes "<app> version <version>(build <build>)"; the space
	// gives the "<app> version <v> (build <b>)" form Parquet readers parse.
	return parquet.CreatedBy("parley", v.Module+" ", v.Revision)
}
