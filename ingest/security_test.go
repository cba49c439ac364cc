package ingest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parley-cx/parley/internal/broker"
	"github.com/parley-cx/parley/internal/kafkaconn"
)

// selfSignedTLS returns a server config for 127.0.0.1 and the path of its CA in PEM.
func selfSignedTLS(t *testing.T) (*tls.Config, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "parley test broker"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	caPath := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}, caPath
}

func TestRunWithTLSAndSASL(t *testing.T) {
	serverTLS, caPath := selfSignedTLS(t)
	tests := []struct {
		name    string
		tls     bool
		user    *broker.User
		client  kafkaconn.Options
		wantErr string // empty: ingest must succeed
	}{
		{name: "tls", tls: true, client: kafkaconn.Options{TLS: true, CAFile: caPath}},
		{name: "sasl plain over tls", tls: true, user: &broker.User{Mechanism: broker.Plain, Name: "ingest", Password: "s3cret"},
			client: kafkaconn.Options{TLS: true, CAFile: caPath, SASLMechanism: kafkaconn.Plain, Username: "ingest", Password: "s3cret"}},
		{name: "scram-sha-256", user: &broker.User{Mechanism: broker.ScramSHA256, Name: "ingest", Password: "s3cret"},
			client: kafkaconn.Options{SASLMechanism: kafkaconn.ScramSHA256, Username: "ingest", Password: "s3cret"}},
		{name: "scram-sha-512", user: &broker.User{Mechanism: broker.ScramSHA512, Name: "ingest", Password: "s3cret"},
			client: kafkaconn.Options{SASLMechanism: kafkaconn.ScramSHA512, Username: "ingest", Password: "s3cret"}},
		{name: "wrong password", user: &broker.User{Mechanism: broker.ScramSHA256, Name: "ingest", Password: "s3cret"},
			client:  kafkaconn.Options{SASLMechanism: kafkaconn.ScramSHA256, Username: "ingest", Password: "guess"},
			wantErr: "Authentication Failed"},
		{name: "untrusted certificate", tls: true, client: kafkaconn.Options{TLS: true}, wantErr: "certificate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := broker.Config{Partitions: 2, Topics: []string{testTopic}}
			if tc.tls {
				cfg.TLS = serverTLS
			}
			var producer kafkaconn.Options
			if tc.user != nil {
				cfg.Users = []broker.User{*tc.user}
				producer = kafkaconn.Options{SASLMechanism: tc.user.Mechanism, Username: tc.user.Name, Password: tc.user.Password}
			}
			if tc.tls {
				producer.TLS, producer.CAFile = true, caPath
			}
			b, err := broker.Start(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(b.Close)
			transport, err := producer.Transport()
			if err != nil {
				t.Fatal(err)
			}
			msgs, _, _ := mixedMessages(t, 100)
			w := &kafka.Writer{Addr: kafka.TCP(b.Addr()), Topic: testTopic, Transport: transport, Balancer: &kafka.Hash{}, BatchTimeout: time.Millisecond}
			if err := w.WriteMessages(context.Background(), msgs...); err != nil {
				t.Fatalf("produce: %v", err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}

			dialer, err := tc.client.Dialer()
			if err != nil {
				t.Fatal(err)
			}
			lakeDir := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err = Run(ctx, Config{Brokers: []string{b.Addr()}, Topic: testTopic, Lake: lakeDir, Dialer: dialer, UntilIdle: time.Second})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Run() = %v, want an error containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			assertExactlyOnce(t, openDuck(t), lakeDir, int64(len(msgs)))
		})
	}
}
