// Package config loads and validates parley.yaml, the one file that holds an organisation's settings.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole of parley.yaml. The zero value is not valid; start from Default.
type Config struct {
	// TimeZone is the organisation's IANA time zone: local dates, daily
	// rollups and hour-of-week heatmaps are bucketed in it.
	TimeZone string `yaml:"timezone"`
}

// Default is the configuration used when no parley.yaml is given.
func Default() *Config {
	return &Config{TimeZone: "UTC"}
}

// Load reads path over the defaults and validates the result. An empty
// path returns the defaults. Unknown keys are errors, so typos surface.
func Load(path string) (*Config, error) {
	cfg := Default()
	if path == "" {
		return cfg, nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("config: parse %s: %w", path, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config: %s: %w", path, err)
	}
	return cfg, nil
}

// Validate checks the configuration without changing it and returns every
// problem found, each naming its field.
func (c *Config) Validate() error {
	var errs []error
	if _, err := time.LoadLocation(c.TimeZone); err != nil || c.TimeZone == "" {
		errs = append(errs, fmt.Errorf("timezone: %q is not an IANA time zone", c.TimeZone))
	}
	return errors.Join(errs...)
}

// Location is the organisation's time zone. It must only be called on a validated Config.
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		panic(fmt.Sprintf("config: Location called on unvalidated config: %v", err))
	}
	return loc
}
