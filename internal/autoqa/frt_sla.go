package autoqa

import (
	"fmt"
	"strconv"

	"github.com/parley-cx/parley/internal/config"
)

// frt_sla: the first response met the channel's SLA target
// (conversations.sla_met, first_response_business_s, sla_target_s, as the
// warehouse computed them). Evidence: the first human reply. N/A when
// sla_met is NULL (no target for the channel, or no human reply yet).
type frtSLA struct{}

func init() {
	register("frt_sla", func(config.AutoCheck, *Env) (Check, error) { return frtSLA{}, nil })
}

func (frtSLA) Run(c *Conversation) (string, int64, string) {
	if c.SLAMet == nil {
		return NA, 0, "no SLA target for the channel, or no human reply"
	}
	var evidence int64
	for i := range c.Events {
		if humanReplies.reply(&c.Events[i]) {
			evidence = c.Events[i].Seq
			break
		}
	}
	detail := fmt.Sprintf("first response %s in business hours, target %s", seconds(c.FirstResponseBusiness), seconds(c.SLATargetS))
	if *c.SLAMet {
		return Pass, evidence, detail
	}
	return Fail, evidence, detail
}

// seconds writes a nullable duration in seconds for a detail.
func seconds(s *float64) string {
	if s == nil {
		return "unknown"
	}
	return strconv.FormatFloat(*s, 'f', 0, 64) + " s" // as %.0f, without fmt's cost in every verdict
}
