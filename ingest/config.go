package ingest

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/internal/objstore"
)

// Defaults for the zero values of Config.
const (
	DefaultGroup          = "parley-ingest"
	DefaultFlushRows      = 100_000
	DefaultFlushBytes     = 48 << 20
	DefaultFlushInterval  = 10 * time.Second
	DefaultProgressEvery  = 10 * time.Second
	DefaultSessionTimeout = 10 * time.Second
)

// Config configures Run. Zero values take the defaults above.
type Config struct {
	// Brokers are the bootstrap brokers, host:port.
	Brokers []string
	// Topic is the topic to consume.
	Topic string
	// Group is the consumer group; processes sharing it split the partitions.
	Group string
	// Lake is the lake root: a directory, or s3://bucket/prefix for a lake
	// in object storage (docs/ingest.md, "The lake on object storage").
	Lake string
	// S3 says how to reach the bucket of an s3:// Lake (endpoint, region,
	// certificate authorities); credentials come from the standard AWS
	// environment and files.
	S3 objstore.Options
	// FlushRows and FlushBytes bound the messages a process holds before
	// writing them, split evenly across the partitions it owns;
	// FlushInterval bounds a batch's age.
	// Whichever is reached first flushes a partition's batch to files, so
	// they also bound memory, whatever the topic size.
	FlushRows     int
	FlushBytes    int64
	FlushInterval time.Duration
	// UntilIdle, if set, makes Run return after this long without a new
	// message; otherwise Run consumes until ctx ends.
	UntilIdle time.Duration
	// SessionTimeout is how long the group coordinator waits for a silent
	// member (such as a killed process) before giving its partitions away.
	SessionTimeout time.Duration
	// JoinTimeout bounds how long Run keeps trying to join (or rejoin) its
	// consumer group once attempts fail (the brokers cannot be reached, say),
	// counted from the first failure, before it fails with ErrJoinTimeout. 0 means: with UntilIdle (a batch run, which
	// must end) the longer of UntilIdle and twice SessionTimeout, since a
	// join may wait out a dead member's session; without UntilIdle (a
	// service) forever, every failure logged, at ERROR once failures have
	// lasted that long.
	JoinTimeout time.Duration
	// Dialer connects to the brokers (TLS, SASL); nil means plain TCP.
	Dialer *kafka.Dialer
	// Log receives each step and problems; nil discards them.
	Log *slog.Logger
	// ProgressEvery is the interval of the progress line.
	ProgressEvery time.Duration
	// Progress, when set, receives the progress line (read rate, lag per
	// partition, totals) for a person watching, in words, instead of Log
	// at INFO. It may be called from another goroutine than Run's.
	Progress func(line string)
	// Health, when set, hears how reading fares while Run retries: the
	// error of each failed attempt to join the group or to fetch, and nil
	// after each one that worked. Run keeps retrying such failures (a
	// broker may come back), so a service learns of an outage from Health,
	// not from Run's return. It may be called from several goroutines.
	Health func(err error)
	// Metrics, if set, is updated as Run goes (see NewMetrics).
	Metrics *Metrics
	// Resets says what to do with a partition whose lake checkpoint stands
	// above the partition's end (the topic was deleted and recreated, or the
	// broker lost data), keyed by partition or AllPartitions. Without an
	// entry such a partition is not read and Run reports why; with one, the
	// partition starts a new epoch at its earliest offset or at its end, and
	// the reset is recorded in the lake's audit log. A partition whose
	// checkpoint is within its offsets is never reset, so an entry left in
	// place does nothing more.
	Resets map[int32]ResetMode
}

// ResetMode is where a reset partition resumes.
type ResetMode string

// Reset modes: read the whole partition as it is now, or only what arrives from now on.
const (
	ResetEarliest ResetMode = "earliest"
	ResetLatest   ResetMode = "latest"
)

// AllPartitions as a key of Config.Resets applies to every partition.
const AllPartitions int32 = -1

// ParseReset parses one --reset-partition value: PARTITION or all,
// optionally followed by =earliest (the default) or =latest.
func ParseReset(s string) (partition int32, mode ResetMode, err error) {
	p, m, hasMode := strings.Cut(s, "=")
	mode = ResetEarliest
	if hasMode {
		mode = ResetMode(m)
	}
	if mode != ResetEarliest && mode != ResetLatest {
		return 0, "", fielderr.New("reset_partition", "%q: the mode after = must be earliest or latest", s)
	}
	if p == "all" {
		return AllPartitions, mode, nil
	}
	n, err := strconv.ParseInt(p, 10, 32)
	if err != nil || n < 0 {
		return 0, "", fielderr.New("reset_partition", "%q: want a partition number or all, optionally =earliest or =latest (e.g. 3, 3=latest, all)", s)
	}
	return int32(n), mode, nil
}

// resetFor returns the reset asked for partition, if any.
func (c *Config) resetFor(partition int32) (ResetMode, bool) {
	if m, ok := c.Resets[partition]; ok {
		return m, true
	}
	m, ok := c.Resets[AllPartitions]
	return m, ok
}

// Kafka's own rule for topic names; it also keeps them safe as path elements.
var topicName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,249}$`)

// Validate checks the configuration without changing it and returns every
// problem, each naming its field.
func (c *Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, fielderr.New("brokers", "at least one host:port required"))
	}
	for i, b := range c.Brokers {
		if b == "" {
			errs = append(errs, fielderr.New(fmt.Sprintf("brokers[%d]", i), "empty"))
		}
	}
	if !topicName.MatchString(c.Topic) || c.Topic == "." || c.Topic == ".." {
		errs = append(errs, fielderr.New("topic", "%q is not a Kafka topic name (1-249 of A-Z a-z 0-9 . _ -)", c.Topic))
	}
	if c.Lake == "" {
		errs = append(errs, fielderr.New("lake", "required"))
	}
	for _, f := range []struct {
		name string
		bad  bool
	}{
		{"flush_rows", c.FlushRows < 0},
		{"flush_bytes", c.FlushBytes < 0},
		{"flush_interval", c.FlushInterval < 0},
		{"until_idle", c.UntilIdle < 0},
		{"session_timeout", c.SessionTimeout < 0},
		{"join_timeout", c.JoinTimeout < 0},
		{"progress_every", c.ProgressEvery < 0},
	} {
		if f.bad {
			errs = append(errs, fielderr.New(f.name, "must not be negative"))
		}
	}
	for p, m := range c.Resets {
		if p < AllPartitions || (m != ResetEarliest && m != ResetLatest) {
			errs = append(errs, fielderr.New("reset_partition", "partition %d mode %q: want a partition >= 0 (or all) and earliest or latest", p, m))
		}
	}
	if c.SessionTimeout > 0 && c.SessionTimeout < time.Second {
		errs = append(errs, fielderr.New("session_timeout", "must be at least 1s, got %s", c.SessionTimeout))
	}
	return errors.Join(errs...)
}

// joinPatience is how long failing to join the group is normal: the
// default JoinTimeout of a batch run, and when a service's log of join
// failures turns from WARN to ERROR.
func (c Config) joinPatience() time.Duration { return max(c.UntilIdle, 2*c.SessionTimeout) }

// withDefaults returns c with zero values replaced by the defaults.
func (c Config) withDefaults() Config {
	if c.Group == "" {
		c.Group = DefaultGroup
	}
	if c.FlushRows == 0 {
		c.FlushRows = DefaultFlushRows
	}
	if c.FlushBytes == 0 {
		c.FlushBytes = DefaultFlushBytes
	}
	if c.FlushInterval == 0 {
		c.FlushInterval = DefaultFlushInterval
	}
	if c.ProgressEvery == 0 {
		c.ProgressEvery = DefaultProgressEvery
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = DefaultSessionTimeout
	}
	if c.JoinTimeout == 0 && c.UntilIdle > 0 {
		c.JoinTimeout = c.joinPatience()
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	return c
}
