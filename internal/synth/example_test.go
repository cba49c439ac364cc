package synth_test

import (
	"context"
	"fmt"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/synth"
)

// Simulate two days of a small operation and look at how the first
// conversation begins.
func ExampleGenerate() {
	cfg := synth.DefaultConfig()
	cfg.Days, cfg.PerDay = 2, 100
	var first []*event.Event
	st, err := synth.Generate(context.Background(), cfg, func(ev *event.Event) error {
		if len(first) < 2 {
			first = append(first, ev)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range first {
		fmt.Println(ev.OccurredAt.Format("2006-01-02"), ev.Type, ev.Actor.Role)
	}
	fmt.Println(st.Conversations > 150, st.Events > 10*st.Conversations)
	// Output:
	// 2026-03-09 conversation_started customer
	// 2026-03-09 message customer
	// true true
}
