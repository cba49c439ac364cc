// Package kafkaconn turns TLS and SASL options into the kafka-go Dialer and Transport that every Parley Kafka client uses.
package kafkaconn

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// SASL mechanisms supported.
const (
	Plain       = "PLAIN"
	ScramSHA256 = "SCRAM-SHA-256"
	ScramSHA512 = "SCRAM-SHA-512"
)

// Options are the security settings of a Kafka connection. The zero value is plain TCP.
type Options struct {
	// TLS turns on TLS. CAFile (PEM) replaces the system roots; CertFile and
	// KeyFile (PEM, both or neither) present a client certificate.
	TLS                bool
	CAFile             string
	CertFile, KeyFile  string
	InsecureSkipVerify bool
	// SASLMechanism is "", Plain, ScramSHA256 or ScramSHA512.
	SASLMechanism string
	Username      string
	Password      string
}

// Validate checks the options and returns every problem, each naming its field.
func (o *Options) Validate() error {
	var errs []error
	if !o.TLS && (o.CAFile != "" || o.CertFile != "" || o.KeyFile != "" || o.InsecureSkipVerify) {
		errs = append(errs, fielderr.New("tls", "CA, certificate, key and skip-verify options need TLS turned on"))
	}
	if (o.CertFile == "") != (o.KeyFile == "") {
		errs = append(errs, fielderr.New("tls_cert, tls_key", "give both or neither"))
	}
	switch o.SASLMechanism {
	case "":
		if o.Username != "" || o.Password != "" {
			errs = append(errs, fielderr.New("sasl_mechanism", "required when a SASL user or password is given"))
		}
	case Plain, ScramSHA256, ScramSHA512:
		if o.Username == "" {
			errs = append(errs, fielderr.New("sasl_user", "required for %s", o.SASLMechanism))
		}
	default:
		errs = append(errs, fielderr.New("sasl_mechanism", "must be %s, %s or %s, got %q", Plain, ScramSHA256, ScramSHA512, o.SASLMechanism))
	}
	return errors.Join(errs...)
}

func (o *Options) tlsConfig() (*tls.Config, error) {
	if !o.TLS {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: o.InsecureSkipVerify} //nolint:gosec // opt-in flag for test clusters
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("kafkaconn: read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("kafkaconn: CA file %s holds no PEM certificate", o.CAFile)
		}
		cfg.RootCAs = pool
	}
	if o.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(o.CertFile, o.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("kafkaconn: load client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func (o *Options) mechanism() (sasl.Mechanism, error) {
	switch o.SASLMechanism {
	case "":
		return nil, nil
	case Plain:
		return plain.Mechanism{Username: o.Username, Password: o.Password}, nil
	case ScramSHA256, ScramSHA512:
		algo := scram.SHA256
		if o.SASLMechanism == ScramSHA512 {
			algo = scram.SHA512
		}
		m, err := scram.Mechanism(algo, o.Username, o.Password)
		if err != nil {
			return nil, fmt.Errorf("kafkaconn: %s: %w", o.SASLMechanism, err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("kafkaconn: unknown SASL mechanism %q", o.SASLMechanism)
}

// security builds the TLS config and SASL mechanism; secure is false for plain TCP.
func (o *Options) security() (tc *tls.Config, m sasl.Mechanism, secure bool, err error) {
	if err := o.Validate(); err != nil {
		return nil, nil, false, fmt.Errorf("kafkaconn: %w", err)
	}
	if !o.TLS && o.SASLMechanism == "" {
		return nil, nil, false, nil
	}
	if tc, err = o.tlsConfig(); err != nil {
		return nil, nil, false, err
	}
	if m, err = o.mechanism(); err != nil {
		return nil, nil, false, err
	}
	return tc, m, true, nil
}

// Dialer returns the dialer for consumers, or nil for plain TCP.
func (o *Options) Dialer() (*kafka.Dialer, error) {
	tc, m, secure, err := o.security()
	if err != nil || !secure {
		return nil, err
	}
	return &kafka.Dialer{Timeout: 10 * time.Second, DualStack: true, TLS: tc, SASLMechanism: m}, nil
}

// Transport returns the transport for producers (kafka.Writer), or nil for plain TCP.
func (o *Options) Transport() (*kafka.Transport, error) {
	tc, m, secure, err := o.security()
	if err != nil || !secure {
		return nil, err
	}
	return &kafka.Transport{TLS: tc, SASL: m}, nil
}
