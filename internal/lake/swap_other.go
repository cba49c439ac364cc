//go:build !linux && !darwin

package lake

// SwapDirs exchanges the sibling directories live and stage. This platform
// has no atomic exchange, so it takes three renames under a journal
// (swapByRenames); a crash half-way is finished by the next Lock. The caller
// fsyncs their parent to make the exchange durable.
func SwapDirs(live, stage string) error {
	return swapByRenames(live, stage, 0)
}
