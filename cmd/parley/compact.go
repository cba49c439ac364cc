package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the owning package lands.
func newCompactCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "compact",
		Short: "(not built yet)",
		RunE:  func(*cobra.Command, []string) error { return errors.New("compact: not built yet") },
	}
}
