package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the owning package lands.
func newStaffingCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "staffing",
		Short: "(not built yet)",
		RunE:  func(*cobra.Command, []string) error { return errors.New("staffing: not built yet") },
	}
}
