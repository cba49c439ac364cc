package staffing_test

import (
	"fmt"
	"time"

	"github.com/parley-cx/parley/staffing"
)

// The textbook interval: 100 calls in 30 minutes at 3 minutes each, 80% to
// be answered within 20 seconds, 30% of paid time lost to shrinkage.
func ExampleRequired() {
	r, err := staffing.Required(staffing.Input{
		Volume: 100, Interval: 30 * time.Minute, AHT: 180 * time.Second,
		TargetLevel: 0.8, TargetTime: 20 * time.Second,
		MaxOccupancy: 0.85, Shrinkage: 0.3, Concurrency: 1,
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.0f Erlangs: %d agents, %d scheduled; service level %.1f%%, ASA %.1fs\n",
		r.TrafficErlangs, r.Agents, r.AgentsWithShrinkage, 100*r.ServiceLevel, r.ASAS)
	// Output: 10 Erlangs: 14 agents, 20 scheduled; service level 88.8%, ASA 7.8s
}

// Messaging: each agent holds three chats at once, working 4 minutes on each
// (so a chat holds one of the agent's three slots for 12 minutes), and
// customers give up after ten minutes on average.
func ExampleRequired_erlangA() {
	r, err := staffing.Required(staffing.Input{
		Volume: 400, Interval: time.Hour, AHT: 4 * time.Minute,
		TargetLevel: 0.9, TargetTime: 2 * time.Minute,
		MaxOccupancy: 1, Concurrency: 3, Patience: 10 * time.Minute,
	})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%d agents; %.1f%% abandon\n", r.Agents, 100**r.ProbAbandon)
	// Output: 27 agents; 4.1% abandon
}
