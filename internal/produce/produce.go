// Package produce writes conversation events to a Kafka topic through kafka-go, keyed by conversation so that each conversation stays in one partition, in order.
package produce

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/fielderr"
)

// Config says where to produce.
type Config struct {
	// Brokers are bootstrap addresses, HOST:PORT.
	Brokers []string
	// Topic must exist; the writer never creates topics.
	Topic string
	// Transport carries TLS and SASL settings; nil means plain TCP.
	Transport *kafka.Transport
}

// Validate checks the configuration without changing it and returns every
// problem found, each naming its field.
func (c Config) Validate() error {
	var errs []error
	if len(c.Brokers) == 0 {
		errs = append(errs, fielderr.New("brokers", "at least one HOST:PORT is required"))
	}
	for i, b := range c.Brokers {
		if b == "" {
			errs = append(errs, fielderr.New(fmt.Sprintf("brokers[%d]", i), "empty address"))
		}
	}
	if c.Topic == "" {
		errs = append(errs, fielderr.New("topic", "required"))
	}
	return errors.Join(errs...)
}

// Batching. A kafka-go Writer sends one produce request per partition
// batch, so throughput comes from large batches: callers hand over tens of
// thousands of events per call and the writer cuts them into batches of up
// to batchBytes (Kafka's default max.message.bytes is 1 MiB, so larger
// batches would be refused by a stock broker). The timeout only matters for
// the tail of a call, which would otherwise wait for a batch to fill.
const (
	batchSize    = 10_000
	batchBytes   = 1 << 20
	batchTimeout = 5 * time.Millisecond
)

// Writer produces events. It is safe for concurrent use.
type Writer struct {
	w     *kafka.Writer
	topic string
	err   error // configuration problem, reported by every write
}

// New returns a writer for cfg. An invalid cfg is reported by the first write.
func New(cfg Config) *Writer {
	w := &Writer{topic: cfg.Topic, err: cfg.Validate()}
	if w.err != nil {
		w.err = fmt.Errorf("produce: invalid config: %w", w.err)
		return w
	}
	w.w = &kafka.Writer{
		Addr:  kafka.TCP(cfg.Brokers...),
		Topic: cfg.Topic,
		// Murmur2 on the key is the Java client's and librdkafka's default,
		// so other producers of the same topic put a conversation in the
		// same partition as Parley does.
		Balancer:     &kafka.Murmur2Balancer{},
		BatchSize:    batchSize,
		BatchBytes:   batchBytes,
		BatchTimeout: batchTimeout,
		RequiredAcks: kafka.RequireOne,
	}
	if cfg.Transport != nil {
		// Only set when given: a nil *Transport in the interface field
		// would not read as "use the default".
		w.w.Transport = cfg.Transport
	}
	return w
}

// WriteEvents produces evs, each as its contract JSON with the
// conversation_id as key, and returns once the broker has acknowledged all
// of them. Pass large slices: a call costs at least one round trip. Events
// of one conversation keep their order in the slice.
func (w *Writer) WriteEvents(ctx context.Context, evs []*event.Event) error {
	if w.err != nil {
		return w.err
	}
	// Encode the next chunk while the previous one is on the wire. A chunk
	// is only sent after the one before it is acknowledged, which keeps
	// every conversation's events in order.
	var inFlight chan error
	wait := func() error {
		if inFlight == nil {
			return nil
		}
		err := <-inFlight
		inFlight = nil
		return err
	}
	for i := 0; i < len(evs); i += encodeChunk {
		msgs, err := encode(evs[i:min(len(evs), i+encodeChunk)])
		if err != nil {
			return errors.Join(err, wait())
		}
		if err := wait(); err != nil {
			return err
		}
		inFlight = make(chan error, 1)
		go func() { inFlight <- w.write(ctx, msgs) }()
	}
	return wait()
}

// encodeChunk is how many events are encoded while the previous ones are sent.
const encodeChunk = 16_384

// WriteRaw produces messages exactly as given (tests use it to plant
// malformed values next to good ones).
func (w *Writer) WriteRaw(ctx context.Context, msgs []kafka.Message) error {
	if w.err != nil {
		return w.err
	}
	if len(msgs) == 0 {
		return nil
	}
	return w.write(ctx, msgs)
}

func (w *Writer) write(ctx context.Context, msgs []kafka.Message) error {
	err := w.w.WriteMessages(ctx, msgs...)
	var perMessage kafka.WriteErrors
	if errors.As(err, &perMessage) {
		// kafka-go reports one error per message; a thousand copies of
		// "message too large" help nobody, so report the count and the first.
		for _, e := range perMessage {
			if e != nil {
				return fmt.Errorf("produce: write %d messages to %s: %d failed, first: %w", len(msgs), w.topic, perMessage.Count(), e)
			}
		}
	}
	if err != nil {
		return fmt.Errorf("produce: write %d messages to %s: %w", len(msgs), w.topic, err)
	}
	return nil
}

// Close flushes and closes the connections. Its error is a write error.
func (w *Writer) Close() error {
	if w.w == nil {
		return nil
	}
	if err := w.w.Close(); err != nil {
		return fmt.Errorf("produce: close writer for %s: %w", w.topic, err)
	}
	return nil
}

// encode marshals events into messages on every core: JSON encoding, not
// the network, is the bottleneck against a local broker.
func encode(evs []*event.Event) ([]kafka.Message, error) {
	msgs := make([]kafka.Message, len(evs))
	workers := min(runtime.GOMAXPROCS(0), (len(evs)+1023)/1024)
	chunk := (len(evs) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for i := range workers {
		lo, hi := i*chunk, min(len(evs), (i+1)*chunk)
		wg.Go(func() {
			for j := lo; j < hi; j++ {
				ev := evs[j]
				v, err := ev.MarshalJSON()
				if err != nil {
					errs[i] = fmt.Errorf("produce: encode event %s: %w", ev.EventID, err)
					return
				}
				msgs[j] = kafka.Message{Key: []byte(ev.ConversationID), Value: v}
			}
		})
	}
	wg.Wait()
	return msgs, errors.Join(errs...)
}
