package lake

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// GapsDir holds the lake's record of Kafka offsets that ingest never read
// because they were gone when it got to them (retention, DeleteRecords):
// _gaps/<topic>/<partition>-<from>-<to>[.r<epoch>].json, one JSON OffsetGap
// each. A gap record is part of the batch that follows it, published and
// checkpointed with it, so a partition's checkpoint accounts for every
// offset below it: read (an events row or a dead letter), or recorded here.
const GapsDir = "_gaps"

// GapExt ends every complete gap record.
const GapExt = ".json"

// OffsetGap is one range of offsets of a Kafka partition that were deleted
// before ingest read them: their messages are not in the lake and never will be.
type OffsetGap struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	// From and To are the first and last offset lost, inclusive.
	From int64 `json:"from"`
	To   int64 `json:"to"`
	// DetectedAt is when ingest found the partition's first available
	// offset beyond the one it was to read next.
	DetectedAt time.Time `json:"detected_at"`
	// Epoch is the partition's reset count (0 until the first
	// --reset-partition); offsets of different epochs are unrelated.
	Epoch int `json:"epoch"`
}

// Messages is the number of offsets the gap lost. Some may have been
// transaction markers or records of aborted transactions, which ingest
// would have skipped anyway; Kafka cannot tell once they are deleted.
func (g OffsetGap) Messages() int64 { return g.To - g.From + 1 }

// GapDir is the directory of one topic's gap records.
func GapDir(root, topic string) string {
	return filepath.Join(root, GapsDir, topic)
}

// GapsGlob matches every complete gap record under root.
func GapsGlob(root string) string {
	return filepath.Join(root, GapsDir, "*", "*"+GapExt)
}

// GapFileName names the record of gap g inside GapDir(root, g.Topic).
func GapFileName(g OffsetGap) string {
	return strconv.Itoa(int(g.Partition)) + "-" + rangeName(g.Epoch, g.From, g.To) + GapExt
}

// ParseGapFileName reports the range and epoch of name if it is a gap
// record of the given partition.
func ParseGapFileName(name string, partition int32) (from, to int64, epoch int, ok bool) {
	rest, found := strings.CutPrefix(name, strconv.Itoa(int(partition))+"-")
	if !found {
		return 0, 0, 0, false
	}
	return parseRange(rest, GapExt)
}
