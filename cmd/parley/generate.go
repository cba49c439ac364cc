package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the owning package lands.
func newGenerateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "generate",
		Short: "(not built yet)",
		RunE:  func(*cobra.Command, []string) error { return errors.New("generate: not built yet") },
	}
}
