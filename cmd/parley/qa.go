package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the owning package lands.
func newQACmd() *cobra.Command {
	return &cobra.Command{
		Use:   "qa",
		Short: "(not built yet)",
		RunE:  func(*cobra.Command, []string) error { return errors.New("qa: not built yet") },
	}
}
