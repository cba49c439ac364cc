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
		if len(first) < 3 {
			first = append(first, ev)
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ev := range first {
		fmt.Println(ev.OccurredAt.Format("15:04:05"), ev.Type, ev.Channel, ev.Actor.Role, ev.Queue)
	}
	fmt.Println(st.Conversations > 150, st.Events > 10*st.Conversations)
	// Output:
	// 01:24:50 conversation_started email customer accounts
	// 01:24:52 message email customer accounts
	// 01:24:54 assigned email system accounts
	// true true
}
