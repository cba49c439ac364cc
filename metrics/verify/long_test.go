//go:build verify_long

package verify_test

import (
	"fmt"
	"testing"
)

// TestAdversarialLong runs many more adversarial seeds than the corpus. It
// is built only with the verify_long tag (make verify), so that `make test`
// holds no test that skips itself: CI fails on any skip.
func TestAdversarialLong(t *testing.T) {
	for seed := uint64(1000); seed < 1200; seed++ {
		rows, settings := adversarial(t, seed, 3*len(advScenarios))
		requireAgreement(t, fmt.Sprintf("adversarial seed %d", seed), rows, settings)
		if t.Failed() {
			return
		}
	}
}
