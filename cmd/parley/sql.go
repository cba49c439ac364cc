package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the owning package lands.
func newSQLCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "sql",
		Short: "(not built yet)",
		RunE:  func(*cobra.Command, []string) error { return errors.New("sql: not built yet") },
	}
}
