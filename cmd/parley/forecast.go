package main

import (
	"errors"

	"github.com/spf13/cobra"
)

// Placeholder until the owning package lands.
func newForecastCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "forecast",
		Short: "(not built yet)",
		RunE:  func(*cobra.Command, []string) error { return errors.New("forecast: not built yet") },
	}
}
