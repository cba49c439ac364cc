package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the owning package lands.
func newIngestCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "ingest",
		Short: "(not built yet)",
		RunE:  func(*cobra.Command, []string) error { return errors.New("ingest: not built yet") },
	}
}
