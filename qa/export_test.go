package qa

import (
	"fmt"
	"time"
)

// BuildExampleWarehouse writes a small fixture warehouse for ExampleSample:
// 30 conversations over a week for agents ana (15), bo (12) and cy (3).
func BuildExampleWarehouse(path string) error {
	var convs []fconv
	for i := range 30 {
		agent := "ana"
		switch {
		case i >= 27:
			agent = "cy"
		case i >= 15:
			agent = "bo"
		}
		convs = append(convs, fconv{
			id: fmt.Sprintf("conv-%02d", i), agent: agent, day: 4 + i%7,
			complete: true, csat: 1 + i%5, friction: float64(i * 3),
		})
	}
	return buildWarehouse(path, time.UTC, convs)
}
