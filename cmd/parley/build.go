package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the owning package lands.
func newBuildCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "build",
		Short: "(not built yet)",
		RunE:  func(*cobra.Command, []string) error { return errors.New("build: not built yet") },
	}
}
