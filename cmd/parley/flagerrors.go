package main

import (
	"errors"
	"strings"

	"github.com/parley-cx/parley/internal/fielderr"
)

// flagOf maps the fields packages name in their Validate errors to the
// flags of parley that set them, for every command whose errors go through
// asFlags. A field means the same flag in every command that has it. The
// field of a list item or a nested key maps through its first part
// (brokers[2] → --brokers[2]); a field naming several ("tls_cert,
// tls_key") maps each.
var flagOf = map[string]string{
	// synth.Config: parley generate.
	"per_day": "per-day", "duplicate_rate": "duplicate-rate", "late_rate": "late-rate",
	"days": "days", "start": "start", "staffing": "staffing", "tz": "tz",
	// ingest.Config, ingest.ParseReset and kafkaconn.Options: parley ingest.
	"brokers": "brokers", "topic": "topic", "lake": "lake",
	"flush_rows": "flush-rows", "flush_bytes": "flush-bytes", "flush_interval": "flush-interval",
	"until_idle": "until-idle", "session_timeout": "session-timeout", "progress_every": "progress-every",
	"join_timeout":    "join-timeout",
	"reset_partition": "reset-partition",
	"tls":             "tls", "tls_cert": "tls-cert", "tls_key": "tls-key",
	"sasl_mechanism": "sasl-mechanism", "sasl_user": "sasl-user",
	// qa.DisputeConfig and qa.ResolveConfig: parley qa dispute, qa resolve;
	// qa.ImportConfig: parley qa import (its files are arguments, not a flag).
	"review": "review", "by": "by", "reason": "reason", "rescore": "rescore", "settings": "config", "ledger": "ledger",
	// qa.Config: parley qa sample; dashboards.Config: parley report.
	"db": "db", "out": "out", "from": "from", "to": "to", "size": "size", "per-agent": "per-agent",
	"random-share": "random-share", "strata": "strata", "attribute-to": "attribute-to",
	"reviewers": "reviewers", "calibration": "calibration", "qa-link": "qa-link",
	"queue": "queue", "channel": "channel", "market": "market",
	// governance.RetentionConfig and EraseConfig: parley retention, erase.
	"keep": "keep", "customer": "customer", "outputs": "also-outputs",
	// ingest.CompactConfig: parley compact; ingest.ImportConfig: parley import (inputs are arguments).
	"small_file_bytes": "small-file-bytes",
	// staffing.Input: parley staffing.
	"volume": "volume", "interval": "interval", "aht": "aht", "target": "target",
	"max-occupancy": "max-occupancy", "shrinkage": "shrinkage", "concurrency": "concurrency", "patience": "patience",
}

// asFlags names each field of a Validate error (a fielderr.Error, or
// several joined) by its flag: "flush_rows: must not be negative" becomes
// "--flush-rows: must not be negative". Fields flagOf does not know keep
// their name. The errors returned wrap the originals, so errors.Is and
// errors.As still reach their causes.
func asFlags(err error) error {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var errs []error
		for _, e := range joined.Unwrap() {
			errs = append(errs, asFlags(e))
		}
		return errors.Join(errs...)
	}
	var fe *fielderr.Error
	if !errors.As(err, &fe) {
		return err
	}
	return &fieldFlagError{flags: flagNames(fe.Field), err: fe}
}

// flagNames turns a field ("tls_cert, tls_key", "brokers[2]") into the
// flags that set it, or returns it unchanged if flagOf does not know it.
func flagNames(field string) string {
	parts := strings.Split(field, ", ")
	for i, p := range parts {
		end := strings.IndexAny(p, "[.")
		if end < 0 {
			end = len(p)
		}
		flag, ok := flagOf[p[:end]]
		if !ok {
			return field
		}
		parts[i] = "--" + flag + p[end:]
	}
	return strings.Join(parts, ", ")
}

// fieldFlagError is a field error shown under the flag that sets the field.
type fieldFlagError struct {
	flags string
	err   *fielderr.Error
}

func (e *fieldFlagError) Error() string { return e.flags + ": " + e.err.Msg }

func (e *fieldFlagError) Unwrap() error { return e.err }
