package dashboards

import (
	"context"
	"database/sql"
	"fmt"
)

// The types below are the rows of the sql/reports queries: exactly what
// each chart and table receives. Their json tags are the column names.
// Pointers are columns that can be NULL (a rate with no base, a median of nothing).

type kpis struct {
	Conversations          int64    `json:"conversations"`
	FRTMedianS             *float64 `json:"frt_median_s"`
	FRTP90S                *float64 `json:"frt_p90_s"`
	SLAPct                 *float64 `json:"sla_pct"`
	ResolutionPct          *float64 `json:"resolution_pct"`
	FCRPct                 *float64 `json:"fcr_pct"`
	BotContainmentPct      *float64 `json:"bot_containment_pct"`
	EscalationEffectivePct *float64 `json:"escalation_effective_pct"`
	CSATAvg                *float64 `json:"csat_avg"`
	CSATResponses          int64    `json:"csat_responses"`
	FrictionMedian         *float64 `json:"friction_median"`
}

type dailyRow struct {
	Day           string   `json:"day"`
	Conversations int64    `json:"conversations"`
	FRTMedianMin  *float64 `json:"frt_median_min"`
	SLAPct        *float64 `json:"sla_pct"`
	ResolutionPct *float64 `json:"resolution_pct"`
	CSATAvg       *float64 `json:"csat_avg"`
}

type heatCell struct {
	DOW           int64 `json:"dow"`
	Hour          int64 `json:"hour"`
	Conversations int64 `json:"conversations"`
}

type channelShare struct {
	Channel       string  `json:"channel"`
	Conversations int64   `json:"conversations"`
	Pct           float64 `json:"pct"`
}

// Overview is the data of index.html.
type overviewData struct {
	KPIs     kpis           `json:"kpis"`
	Previous kpis           `json:"previous"`
	Daily    []dailyRow     `json:"daily"`
	Heatmap  []heatCell     `json:"heatmap"`
	Channels []channelShare `json:"channels"`
}

type frtBucket struct {
	Basis         string   `json:"basis"`
	Channel       string   `json:"channel"`
	Idx           int64    `json:"idx"`
	Label         string   `json:"label"`
	Conversations int64    `json:"conversations"`
	Pct           *float64 `json:"pct"`
}

type channelFRT struct {
	Channel              string   `json:"channel"`
	Conversations        int64    `json:"conversations"`
	Responded            int64    `json:"responded"`
	FRTMedianMin         *float64 `json:"frt_median_min"`
	FRTP90Min            *float64 `json:"frt_p90_min"`
	FRTBusinessMedianMin *float64 `json:"frt_business_median_min"`
	FRTAnyMedianMin      *float64 `json:"frt_any_median_min"`
	SLATargetMin         *float64 `json:"sla_target_min"`
	SLAPct               *float64 `json:"sla_pct"`
}

type queueSLA struct {
	Queue        string   `json:"queue"`
	Measured     int64    `json:"measured"`
	Met          int64    `json:"met"`
	SLAPct       *float64 `json:"sla_pct"`
	FRTMedianMin *float64 `json:"frt_median_min"`
}

// windowBreaches is one channel's or queue's reply-window record.
type windowBreaches struct {
	Dimension   string   `json:"dimension"` // "channel" or "queue"
	Name        string   `json:"name"`
	Measured    int64    `json:"measured"`
	Breached    int64    `json:"breached"`
	Breaches    int64    `json:"breaches"`
	BreachedPct *float64 `json:"breached_pct"`
}

// waitSplit is how one channel's resolution time splits by who held the clock.
type waitSplit struct {
	Channel     string   `json:"channel"`
	Resolved    int64    `json:"resolved"`
	ResolutionH float64  `json:"resolution_h"`
	BusinessPct *float64 `json:"business_pct"`
	CustomerPct *float64 `json:"customer_pct"`
	OtherPct    *float64 `json:"other_pct"`
}

type responsivenessData struct {
	Buckets   []frtBucket      `json:"buckets"`
	Channels  []channelFRT     `json:"channels"`
	Queues    []queueSLA       `json:"queues"`
	Windows   []windowBreaches `json:"windows"`
	WaitSplit []waitSplit      `json:"wait_split"`
}

type bucket struct {
	Idx           int64    `json:"idx"`
	Label         string   `json:"label"`
	Conversations int64    `json:"conversations"`
	Pct           *float64 `json:"pct"`
}

type channelResolution struct {
	Channel           string   `json:"channel"`
	Conversations     int64    `json:"conversations"`
	Resolved          int64    `json:"resolved"`
	ResolutionPct     float64  `json:"resolution_pct"`
	FCRPct            *float64 `json:"fcr_pct"`
	ReopenPct         *float64 `json:"reopen_pct"`
	RepeatPct         *float64 `json:"repeat_pct"`
	ResolutionMedianH *float64 `json:"resolution_median_h"`
}

type botOutcome struct {
	Channel      string  `json:"channel"`
	BotHandled   int64   `json:"bot_handled"`
	Contained    int64   `json:"contained"`
	HandedOff    int64   `json:"handed_off"`
	Abandoned    int64   `json:"abandoned"`
	ContainedPct float64 `json:"contained_pct"`
	HandedOffPct float64 `json:"handed_off_pct"`
	AbandonedPct float64 `json:"abandoned_pct"`
}

type escalationTarget struct {
	Target               string   `json:"target"`
	Escalations          int64    `json:"escalations"`
	Effective            int64    `json:"effective"`
	EffectivePct         float64  `json:"effective_pct"`
	FromBot              int64    `json:"from_bot"`
	HandoffWaitMedianMin *float64 `json:"handoff_wait_median_min"`
}

type handoffBucket struct {
	Source      string `json:"source"`
	Idx         int64  `json:"idx"`
	Label       string `json:"label"`
	Escalations int64  `json:"escalations"`
}

type resolutionData struct {
	Buckets     []bucket            `json:"buckets"`
	Channels    []channelResolution `json:"channels"`
	Bot         []botOutcome        `json:"bot"`
	Escalations []escalationTarget  `json:"escalations"`
	Handoff     []handoffBucket     `json:"handoff"`
}

type frictionBand struct {
	Lo            int64 `json:"lo"`
	Conversations int64 `json:"conversations"`
}

type frictionComponents struct {
	Channel       string   `json:"channel"`
	Conversations int64    `json:"conversations"`
	Time          *float64 `json:"time"`
	Impersonal    *float64 `json:"impersonal"`
	Directness    *float64 `json:"directness"`
	Effort        *float64 `json:"effort"`
}

type frictionDriver struct {
	Driver  string   `json:"driver"`
	HighPct *float64 `json:"high_pct"`
	RestPct *float64 `json:"rest_pct"`
	Lift    *float64 `json:"lift"`
}

type worstConversation struct {
	ConversationID string   `json:"conversation_id"`
	StartedLocal   string   `json:"started_local"`
	Channel        string   `json:"channel"`
	Queue          string   `json:"queue"`
	Agent          string   `json:"agent"`
	FrictionScore  float64  `json:"friction_score"`
	Time           *float64 `json:"time"`
	Impersonal     *float64 `json:"impersonal"`
	Directness     *float64 `json:"directness"`
	Effort         *float64 `json:"effort"`
	CSAT           *int64   `json:"csat"`
}

type frictionData struct {
	Bands      []frictionBand       `json:"bands"`
	Components []frictionComponents `json:"components"`
	Drivers    []frictionDriver     `json:"drivers"`
	Worst      []worstConversation  `json:"worst"`
}

type agentRow struct {
	Agent             string   `json:"agent"`
	Conversations     int64    `json:"conversations"`
	AgentMessages     int64    `json:"agent_messages"`
	FRTMedianMin      *float64 `json:"frt_median_min"`
	ResolutionPct     float64  `json:"resolution_pct"`
	ResolutionMedianH *float64 `json:"resolution_median_h"`
	CSATAvg           *float64 `json:"csat_avg"`
	CSATResponses     int64    `json:"csat_responses"`
	FrictionMedian    *float64 `json:"friction_median"`
}

type queueRow struct {
	Queue          string   `json:"queue"`
	Conversations  int64    `json:"conversations"`
	FRTMedianMin   *float64 `json:"frt_median_min"`
	SLAPct         *float64 `json:"sla_pct"`
	ResolutionPct  float64  `json:"resolution_pct"`
	EscalatedPct   float64  `json:"escalated_pct"`
	CSATAvg        *float64 `json:"csat_avg"`
	CSATResponses  int64    `json:"csat_responses"`
	FrictionMedian *float64 `json:"friction_median"`
}

type teamData struct {
	Agents []agentRow `json:"agents"`
	Queues []queueRow `json:"queues"`
}

// worstLimit is how many highest-friction conversations the Friction page lists.
const worstLimit = 25

func loadOverview(ctx context.Context, db *sql.DB, p Period) (d overviewData, err error) {
	cur, err := query[kpis](ctx, db, "overview_kpis", period(p)...)
	if err != nil {
		return d, err
	}
	prev, err := query[kpis](ctx, db, "overview_kpis", period(p.Previous())...)
	if err != nil {
		return d, err
	}
	if len(cur) != 1 || len(prev) != 1 {
		return d, fmt.Errorf("dashboards: overview_kpis returned %d and %d rows, want 1", len(cur), len(prev))
	}
	d.KPIs, d.Previous = cur[0], prev[0]
	if d.Daily, err = query[dailyRow](ctx, db, "overview_daily", period(p)...); err != nil {
		return d, err
	}
	if d.Heatmap, err = query[heatCell](ctx, db, "overview_heatmap", period(p)...); err != nil {
		return d, err
	}
	d.Channels, err = query[channelShare](ctx, db, "overview_channels", period(p)...)
	return d, err
}

func loadResponsiveness(ctx context.Context, db *sql.DB, p Period) (d responsivenessData, err error) {
	if d.Buckets, err = query[frtBucket](ctx, db, "responsiveness_frt_buckets", period(p)...); err != nil {
		return d, err
	}
	if d.Channels, err = query[channelFRT](ctx, db, "responsiveness_channels", period(p)...); err != nil {
		return d, err
	}
	if d.Queues, err = query[queueSLA](ctx, db, "responsiveness_sla_queues", period(p)...); err != nil {
		return d, err
	}
	if d.Windows, err = query[windowBreaches](ctx, db, "responsiveness_windows", period(p)...); err != nil {
		return d, err
	}
	d.WaitSplit, err = query[waitSplit](ctx, db, "responsiveness_wait_split", period(p)...)
	return d, err
}

func loadResolution(ctx context.Context, db *sql.DB, p Period) (d resolutionData, err error) {
	if d.Buckets, err = query[bucket](ctx, db, "resolution_buckets", period(p)...); err != nil {
		return d, err
	}
	if d.Channels, err = query[channelResolution](ctx, db, "resolution_channels", period(p)...); err != nil {
		return d, err
	}
	if d.Bot, err = query[botOutcome](ctx, db, "resolution_bot", period(p)...); err != nil {
		return d, err
	}
	if d.Escalations, err = query[escalationTarget](ctx, db, "resolution_escalations", period(p)...); err != nil {
		return d, err
	}
	d.Handoff, err = query[handoffBucket](ctx, db, "resolution_handoff", period(p)...)
	return d, err
}

func loadFriction(ctx context.Context, db *sql.DB, p Period) (d frictionData, err error) {
	if d.Bands, err = query[frictionBand](ctx, db, "friction_buckets", period(p)...); err != nil {
		return d, err
	}
	if d.Components, err = query[frictionComponents](ctx, db, "friction_components", period(p)...); err != nil {
		return d, err
	}
	if d.Drivers, err = query[frictionDriver](ctx, db, "friction_drivers", period(p)...); err != nil {
		return d, err
	}
	d.Worst, err = query[worstConversation](ctx, db, "friction_worst", append(period(p), sql.Named("limit", worstLimit))...)
	return d, err
}

func loadTeam(ctx context.Context, db *sql.DB, p Period) (d teamData, err error) {
	if d.Agents, err = query[agentRow](ctx, db, "agents", period(p)...); err != nil {
		return d, err
	}
	d.Queues, err = query[queueRow](ctx, db, "queues", period(p)...)
	return d, err
}
