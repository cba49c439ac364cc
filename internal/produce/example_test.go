package produce_test

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/produce"
	"github.com/parley-cx/parley/internal/synth"
)

// Produce a day of generated conversations to a topic on an in-process broker.
func ExampleWriter_WriteEvents() {
	cluster, err := kfake.NewCluster(kfake.Ports(0), kfake.SeedTopics(3, "conversation-events"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer cluster.Close()

	cfg := synth.DefaultConfig()
	cfg.Days, cfg.PerDay = 1, 50
	var evs []*event.Event
	if _, err := synth.Generate(context.Background(), cfg, func(ev *event.Event) error {
		evs = append(evs, ev)
		return nil
	}); err != nil {
		fmt.Println(err)
		return
	}

	w := produce.New(produce.Config{Brokers: cluster.ListenAddrs(), Topic: "conversation-events"})
	err = w.WriteEvents(context.Background(), evs)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	fmt.Println("acknowledged:", err == nil)
	// Output: acknowledged: true
}
