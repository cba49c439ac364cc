// Package broker runs an embedded Kafka-compatible broker (franz-go's kfake) on 127.0.0.1, for `parley demo` and tests.
package broker

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/twmb/franz-go/pkg/kfake"
)

// SASL mechanisms the broker can require.
const (
	Plain       = "PLAIN"
	ScramSHA256 = "SCRAM-SHA-256"
	ScramSHA512 = "SCRAM-SHA-512"
)

// User is a SASL login the broker accepts.
type User struct {
	Mechanism string // Plain, ScramSHA256 or ScramSHA512
	Name      string
	Password  string
}

// Config describes the broker to start.
type Config struct {
	// Partitions is the partition count of every topic in Topics (default 1).
	Partitions int32
	// Nodes is the number of brokers in the cluster (default 1); tests use
	// more to move partition leaders and group coordinators between them.
	Nodes int
	// Topics are created at start.
	Topics []string
	// Port is the listening port; 0 picks a free one.
	Port int
	// DataDir, if set, persists the log so that a broker restarted on the
	// same port and directory keeps its messages and group offsets.
	DataDir string
	// TLS, if set, makes the listener speak TLS only.
	TLS *tls.Config
	// Users, if any, turn on SASL and are the only accepted logins.
	Users []User
}

// Validate checks the configuration and returns every problem, each naming its field.
func (c *Config) Validate() error {
	var errs []error
	if c.Partitions < 0 {
		errs = append(errs, fielderr.New("partitions", "must be >= 0, got %d", c.Partitions))
	}
	if c.Nodes < 0 {
		errs = append(errs, fielderr.New("nodes", "must be >= 0, got %d", c.Nodes))
	}
	if c.Nodes > 1 && c.Port != 0 {
		errs = append(errs, fielderr.New("port", "only a single-node broker can be given a fixed port"))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fielderr.New("port", "must be 0..65535, got %d", c.Port))
	}
	for i, u := range c.Users {
		switch u.Mechanism {
		case Plain, ScramSHA256, ScramSHA512:
		default:
			errs = append(errs, fielderr.New(fmt.Sprintf("users[%d].mechanism", i), "must be %s, %s or %s, got %q", Plain, ScramSHA256, ScramSHA512, u.Mechanism))
		}
		if u.Name == "" {
			errs = append(errs, fielderr.New(fmt.Sprintf("users[%d].name", i), "required"))
		}
	}
	return errors.Join(errs...)
}

// Broker is a running embedded broker.
type Broker struct {
	cluster *kfake.Cluster
	addr    string
	once    sync.Once
}

// Start starts a broker listening on 127.0.0.1. It stops when ctx ends or
// Close is called, whichever comes first.
func Start(ctx context.Context, cfg Config) (*Broker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("broker: config: %w", err)
	}
	partitions := cfg.Partitions
	if partitions == 0 {
		partitions = 1
	}
	opts := []kfake.Opt{
		kfake.NumBrokers(max(cfg.Nodes, 1)),
		kfake.DefaultNumPartitions(int(partitions)),
		// Short sessions let tests and the demo move partitions away from a
		// killed consumer in about a second instead of Kafka's 6s minimum.
		kfake.GroupMinSessionTimeout(time.Second),
	}
	if len(cfg.Topics) > 0 {
		opts = append(opts, kfake.SeedTopics(partitions, cfg.Topics...))
	}
	if cfg.Port != 0 {
		opts = append(opts, kfake.Ports(cfg.Port))
	}
	if cfg.DataDir != "" {
		opts = append(opts, kfake.DataDir(cfg.DataDir))
	}
	if cfg.TLS != nil {
		opts = append(opts, kfake.TLS(cfg.TLS))
	}
	if len(cfg.Users) > 0 {
		opts = append(opts, kfake.EnableSASL())
		for _, u := range cfg.Users {
			opts = append(opts, kfake.Superuser(u.Mechanism, u.Name, u.Password))
		}
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("broker: start: %w", err)
	}
	b := &Broker{cluster: c, addr: c.ListenAddrs()[0]}
	context.AfterFunc(ctx, b.Close)
	return b, nil
}

// Addr is the first broker's host:port, always on 127.0.0.1; it is enough
// to bootstrap any client.
func (b *Broker) Addr() string {
	return b.addr
}

// Cluster exposes the underlying kfake cluster, for tests that inject
// faults (ControlKey) or move partitions. It is nil after Close.
func (b *Broker) Cluster() *kfake.Cluster {
	return b.cluster
}

// Close stops the broker. It is safe to call more than once.
func (b *Broker) Close() {
	b.once.Do(func() {
		b.cluster.Close()
		// The cluster holds every record produced; dropping it lets them
		// be collected while the Broker itself is still referenced.
		b.cluster = nil
	})
}

// ClosedAddr returns an address on 127.0.0.1 where nothing listens (a port
// taken and let go): connecting to it is refused at once, which is how a
// client meets a broker that is down.
func ClosedAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("broker: find a closed port: %w", err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return "", fmt.Errorf("broker: find a closed port: %w", err)
	}
	return addr, nil
}
