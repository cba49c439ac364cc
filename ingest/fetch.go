package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	fetchapi "github.com/segmentio/kafka-go/protocol/fetch"
)

// Fetch timing: a fetch waits up to fetchMaxWait at the end of a partition
// (Kafka's long poll); a request that has not answered fetchTimeout later
// is given up and retried, with backoff between fetchBackoffMin and
// fetchBackoffMax (kafka-go's reader defaults).
const (
	fetchMaxWait    = 250 * time.Millisecond
	fetchTimeout    = 30 * time.Second
	fetchBackoffMin = 100 * time.Millisecond
	fetchBackoffMax = time.Second
	// fetchWarnAfter consecutive failed requests get one warning; the
	// earlier ones are routine (a leader moving) and logged at debug.
	fetchWarnAfter = 20
)

// readCommitted is Kafka's isolation level that hides the records of open
// and aborted transactions.
const readCommitted = int8(kafka.ReadCommitted)

// abortMarker is the type of a control record that ends an aborted transaction.
const abortMarker = 0

// fetchKind says what a fetched item is.
type fetchKind uint8

const (
	// fetchedMessage is a committed record: offset, key and value are set.
	fetchedMessage fetchKind = iota
	// fetchedGap says offsets offset..last were deleted before they were read.
	fetchedGap
	// fetchedPosition ends every fetch answer: the partition has been read up
	// to offset (exclusive), past any transaction markers and records of
	// aborted transactions, and ends at end.
	fetchedPosition
)

// fetched is one item the fetcher hands to its partition, in offset order.
type fetched struct {
	kind         fetchKind
	offset, last int64
	key, value   []byte
	// end (fetchedPosition, fetchedGap) is the partition's last stable
	// offset at this fetch: the end a read-committed consumer can reach.
	end int64
}

// errAboveEnd is a checkpoint that stands above everything the partition
// holds: the topic was deleted and recreated, or the broker lost data.
type errAboveEnd struct {
	topic            string
	partition        int32
	next, first, end int64
}

func (e *errAboveEnd) Error() string {
	return fmt.Sprintf("ingest: %s/%d: the lake's checkpoint (next offset %d) is above the partition's end (high watermark %d, earliest offset %d): "+
		"the topic was probably deleted and recreated, or the broker lost data. Nothing of this partition is read until you choose: "+
		"restart with --reset-partition %d to read it from its earliest offset (%d), or --reset-partition %d=latest to skip to its end (%d); "+
		"the reset is recorded in the lake's audit log", e.topic, e.partition, e.next, e.end, e.first, e.partition, e.first, e.partition, e.end)
}

// partitionClient talks to the leaders of one topic's partitions through
// kafka-go's protocol layer, which, unlike its Reader, exposes what
// read-committed consumption needs: each batch's producer and control flag,
// the aborted transactions of a fetch, and the partition's log start offset.
type partitionClient struct {
	transport *kafka.Transport
	addr      net.Addr
	topic     string
	log       *slog.Logger
	// health hears each attempt's outcome (runner.health: Config.Health).
	health func(err error)
}

// newPartitionClient connects like dialer (TLS, SASL); nil means plain TCP.
// The transport's goroutines end with ctx.
func newPartitionClient(ctx context.Context, brokers []string, topic string, dialer *kafka.Dialer, log *slog.Logger) *partitionClient {
	t := &kafka.Transport{
		ClientID: "parley-ingest",
		// Leaders move (restarts, reassignments); a short TTL finds the new
		// one within about a second of the first NotLeader error.
		MetadataTTL:    time.Second,
		MetadataTopics: []string{topic},
		Context:        ctx,
	}
	if dialer != nil {
		t.TLS, t.SASL = dialer.TLS, dialer.SASLMechanism
		if dialer.Timeout > 0 {
			t.DialTimeout = dialer.Timeout
		}
	}
	return &partitionClient{transport: t, addr: kafka.TCP(brokers...), topic: topic, log: log, health: func(error) {}}
}

// offsets returns the partition's earliest offset and its high watermark.
func (c *partitionClient) offsets(ctx context.Context, partition int32) (first, end int64, err error) {
	client := &kafka.Client{Addr: c.addr, Transport: c.transport, Timeout: fetchTimeout}
	res, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{
		c.topic: {kafka.FirstOffsetOf(int(partition)), kafka.LastOffsetOf(int(partition))},
	}})
	if err != nil {
		return 0, 0, fmt.Errorf("ingest: list offsets of %s/%d: %w", c.topic, partition, err)
	}
	for _, p := range res.Topics[c.topic] {
		if p.Partition != int(partition) {
			continue
		}
		if p.Error != nil {
			return 0, 0, fmt.Errorf("ingest: list offsets of %s/%d: %w", c.topic, partition, p.Error)
		}
		return p.FirstOffset, p.LastOffset, nil
	}
	return 0, 0, fmt.Errorf("ingest: list offsets of %s/%d: partition missing from the answer", c.topic, partition)
}

// retry calls op until it succeeds, fails for good (permanent, or an
// *errAboveEnd), or ctx ends, backing off between attempts.
func (c *partitionClient) retry(ctx context.Context, partition int32, what string, op func() error) error {
	backoff := fetchBackoffMin
	for attempt := 1; ; attempt++ {
		err := op()
		var above *errAboveEnd
		switch {
		case err == nil:
			c.health(nil)
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case permanent(err) || errors.As(err, &above):
			return err
		}
		c.health(err)
		switch {
		case attempt == fetchWarnAfter:
			c.log.Warn("ingest: "+what+" keeps failing, retrying", "topic", c.topic, "partition", partition, "attempts", attempt, "err", err)
		default:
			c.log.Debug("ingest: "+what+" failed, retrying", "topic", c.topic, "partition", partition, "attempt", attempt, "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, fetchBackoffMax)
	}
}

// fetchPartition reads the partition from offset pos (-1: its earliest) with
// read-committed isolation and sends every committed record to out, in
// offset order, one fetch answer at a time (a channel operation per record
// cost more than the records' bookkeeping), until ctx ends or the
// partition cannot be read any more.
// Offsets that were deleted before they were read are sent as a gap;
// transaction markers and records of aborted transactions are skipped, and
// so never mistaken for a gap nor turned into dead letters.
func (c *partitionClient) fetchPartition(ctx context.Context, partition int32, pos int64, out chan<- []fetched) error {
	if pos < 0 {
		err := c.retry(ctx, partition, "list offsets", func() (err error) {
			pos, _, err = c.offsets(ctx, partition)
			return err
		})
		if err != nil {
			return err
		}
	}
	for {
		var items []fetched
		err := c.retry(ctx, partition, "fetch", func() (err error) {
			items, pos, err = c.fetch(ctx, partition, pos)
			return err
		})
		if err != nil {
			return err
		}
		select {
		case out <- items:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// fetch makes one fetch request at pos and returns what it found and the
// offset to fetch next.
func (c *partitionClient) fetch(ctx context.Context, partition int32, pos int64) ([]fetched, int64, error) {
	rctx, cancel := context.WithTimeout(ctx, fetchMaxWait+fetchTimeout)
	defer cancel()
	m, err := c.transport.RoundTrip(rctx, c.addr, &fetchapi.Request{
		ReplicaID:      -1,
		MaxWaitTime:    int32(fetchMaxWait / time.Millisecond),
		MinBytes:       1,
		MaxBytes:       FetchMaxBytes,
		IsolationLevel: readCommitted,
		SessionID:      -1,
		SessionEpoch:   -1,
		Topics: []fetchapi.RequestTopic{{
			Topic: c.topic,
			Partitions: []fetchapi.RequestPartition{{
				Partition:          partition,
				CurrentLeaderEpoch: -1,
				FetchOffset:        pos,
				LogStartOffset:     -1,
				PartitionMaxBytes:  FetchMaxBytes,
			}},
		}},
	})
	if err != nil {
		return nil, pos, fmt.Errorf("ingest: fetch %s/%d at %d: %w", c.topic, partition, pos, err)
	}
	res := m.(*fetchapi.Response)
	if res.ErrorCode != 0 {
		return nil, pos, fmt.Errorf("ingest: fetch %s/%d at %d: %w", c.topic, partition, pos, kafka.Error(res.ErrorCode))
	}
	if len(res.Topics) != 1 || len(res.Topics[0].Partitions) != 1 {
		return nil, pos, fmt.Errorf("ingest: fetch %s/%d at %d: answer holds %d topics, want 1 with 1 partition", c.topic, partition, pos, len(res.Topics))
	}
	p := &res.Topics[0].Partitions[0]
	switch code := kafka.Error(p.ErrorCode); {
	case p.ErrorCode == 0:
	case errors.Is(code, kafka.OffsetOutOfRange):
		return c.outOfRange(ctx, partition, pos)
	default:
		return nil, pos, fmt.Errorf("ingest: fetch %s/%d at %d: %w", c.topic, partition, pos, code)
	}
	return readCommittedRecords(p, pos)
}

// outOfRange is a fetch at pos that the partition does not hold: below its
// log start, the offsets up to there were deleted before they were read (a
// gap); above its end, the checkpoint belongs to data the partition no
// longer has. Between the two, the partition moved under the request (a new
// leader), and the fetch is simply retried.
func (c *partitionClient) outOfRange(ctx context.Context, partition int32, pos int64) ([]fetched, int64, error) {
	first, end, err := c.offsets(ctx, partition)
	switch {
	case err != nil:
		return nil, pos, err
	case pos < first:
		return []fetched{{kind: fetchedGap, offset: pos, last: first - 1, end: end}}, first, nil
	case pos > end:
		return nil, pos, &errAboveEnd{topic: c.topic, partition: partition, next: pos, first: first, end: end}
	default:
		return nil, pos, fmt.Errorf("ingest: fetch %s/%d at %d: %w (partition holds %d-%d)", c.topic, partition, pos, kafka.OffsetOutOfRange, first, end)
	}
}

// readCommittedRecords turns a partition's fetch answer into the committed
// records at or after pos, the way Kafka's own consumer does under
// read-committed isolation: the broker sends records only up to the last
// stable offset, but still sends those of aborted transactions, listing
// each aborted transaction's producer and first offset; a transactional
// batch of such a producer, from that offset on until its abort marker, is
// dropped. Control batches (the commit and abort markers) are dropped too.
func readCommittedRecords(p *fetchapi.ResponsePartition, pos int64) ([]fetched, int64, error) {
	stream, _ := p.RecordSet.Records.(*protocol.RecordStream)
	if stream == nil {
		return nil, pos, nil
	}
	aborted := p.AbortedTransactions // sorted by first offset
	abortedBy := make(map[int64]bool)
	var (
		out    []fetched
		copies recordCopies
	)
	for _, rr := range stream.Records {
		var (
			producer, base int64
			keep           = true
			control        bool
		)
		switch b := rr.(type) {
		case *protocol.RecordBatch:
			producer, base = b.ProducerID, b.BaseOffset
			if b.Attributes.Transactional() {
				for len(aborted) > 0 && aborted[0].FirstOffset <= base {
					abortedBy[aborted[0].ProducerID] = true
					aborted = aborted[1:]
				}
				keep = !abortedBy[producer]
			}
		case *protocol.ControlBatch:
			producer, base, keep, control = b.ProducerID, b.BaseOffset, false, true
			for len(aborted) > 0 && aborted[0].FirstOffset <= base {
				abortedBy[aborted[0].ProducerID] = true
				aborted = aborted[1:]
			}
		}
		for {
			rec, err := rr.ReadRecord()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return nil, pos, fmt.Errorf("ingest: decode records of partition %d at %d: %w", p.Partition, pos, err)
			}
			off := rec.Offset
			if control && isAbortMarker(rec) {
				delete(abortedBy, producer) // the transaction ends here
			}
			var key, value []byte
			if keep && off >= pos {
				key, err = copies.read(rec.Key)
				if err == nil {
					value, err = copies.read(rec.Value)
				}
			}
			closeBytes(rec.Key, rec.Value)
			if err != nil {
				return nil, pos, fmt.Errorf("ingest: read record %d of partition %d: %w", off, p.Partition, err)
			}
			if off < pos {
				continue // a batch may begin before the offset asked for
			}
			if keep {
				out = append(out, fetched{kind: fetchedMessage, offset: off, key: key, value: value})
			}
			pos = off + 1
		}
	}
	// Always say how far the answer read (past markers and aborted records
	// too) and where the partition ends, so that lag and --until-idle see
	// the partition's true position even when nothing was kept.
	end := p.LastStableOffset
	if end <= 0 {
		end = p.HighWatermark // a broker that does not report it
	}
	out = append(out, fetched{kind: fetchedPosition, offset: pos, end: end})
	return out, pos, nil
}

// isAbortMarker reports whether a control record marks an aborted
// transaction (key: int16 version, int16 type; type 0 is abort).
func isAbortMarker(rec *protocol.Record) bool {
	if rec.Key == nil || rec.Key.Len() < 4 {
		return false
	}
	k, err := protocol.ReadAll(rec.Key)
	if err != nil {
		return false
	}
	return int16(k[2])<<8|int16(k[3]) == abortMarker
}

func closeBytes(bs ...protocol.Bytes) {
	for _, b := range bs {
		if b != nil {
			b.Close()
		}
	}
}

// copyBlock is the size of the blocks recordCopies carves copies from.
const copyBlock = 256 << 10

// recordCopies copies the keys and values of one fetch answer out of
// kafka-go's pooled pages, back to back into shared blocks: an allocation
// per record showed in ingest's profile, in the allocator and the GC. A
// block is freed once every record copied into it has been decoded.
type recordCopies struct {
	block []byte
}

// read copies b (nil stays nil).
func (c *recordCopies) read(b protocol.Bytes) ([]byte, error) {
	if b == nil {
		return nil, nil
	}
	n := b.Len()
	if n > cap(c.block)-len(c.block) {
		c.block = make([]byte, 0, max(copyBlock, n))
	}
	start := len(c.block)
	c.block = c.block[:start+n]
	dst := c.block[start : start+n : start+n]
	_, err := io.ReadFull(b, dst)
	return dst, err
}
