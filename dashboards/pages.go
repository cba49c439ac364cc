package dashboards

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/parley-cx/parley/reports"
)

var weekdays = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

// charted turns go-echarts charts into page markup, stopping at the first error.
func charted(height string, cs ...reports.EChart) ([]template.HTML, error) {
	out := make([]template.HTML, len(cs))
	for i, c := range cs {
		h, err := reports.Chart(c, height)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

func (r *run) overview(ctx context.Context) (template.HTML, error) {
	d, err := loadOverview(ctx, r.db.DB, r.period)
	if err != nil {
		return "", err
	}
	tiles, err := kpiTiles(d.KPIs, d.Previous)
	if err != nil {
		return "", err
	}
	trends, err := charted("320px", dailyVolumeChart(d.Daily), dailyRatesChart(d.Daily))
	if err != nil {
		return "", err
	}
	mix, err := charted("300px", heatmapChart(d.Heatmap, r.loc.String()), channelChart(d.Channels))
	if err != nil {
		return "", err
	}
	prev := r.period.Previous()
	body, err := render(
		section{Title: "Key figures", Note: fmt.Sprintf("Changes compare with the previous %d days (%s to %s).",
			prev.Days(), prev.From.Format("2006-01-02"), prev.To.Format("2006-01-02")), Items: []template.HTML{tiles}, Wide: true},
		section{Title: "Daily trends", Items: trends},
		section{Title: "When and where customers write", Items: mix},
	)
	return body, err
}

func dailyVolumeChart(days []dailyRow) *charts.Bar {
	x := make([]string, len(days))
	for i, d := range days {
		x[i] = d.Day
	}
	bar := charts.NewBar()
	bar.SetGlobalOptions(common("Conversations and median first response", "per day")...)
	bar.SetGlobalOptions(charts.WithYAxisOpts(axis{name: "conversations"}.y()))
	bar.SetXAxis(x).AddSeries("Conversations", barData(days, func(d dailyRow) any { return d.Conversations }))
	bar.ExtendYAxis(axis{name: "minutes", unit: " min"}.y())
	line := charts.NewLine()
	line.SetXAxis(x).AddSeries("Median first response (min)", lineData(days, func(d dailyRow) any { return num(d.FRTMedianMin) }),
		charts.WithLineChartOpts(opts.LineChart{YAxisIndex: 1, ConnectNulls: opts.Bool(false)}))
	bar.Overlap(line)
	return bar
}

func dailyRatesChart(days []dailyRow) *charts.Line {
	x := make([]string, len(days))
	for i, d := range days {
		x[i] = d.Day
	}
	line := charts.NewLine()
	line.SetGlobalOptions(common("SLA attainment and resolution rate", "per day, % of that day's conversations")...)
	line.SetGlobalOptions(charts.WithYAxisOpts(axis{name: "%", unit: " %", min: 0, max: 100}.y()))
	line.SetXAxis(x).
		AddSeries("Within SLA target (%)", lineData(days, func(d dailyRow) any { return num(d.SLAPct) })).
		AddSeries("Resolved (%)", lineData(days, func(d dailyRow) any { return num(d.ResolutionPct) }))
	return line
}

func heatmapChart(cells []heatCell, tz string) *charts.HeatMap {
	hours := make([]string, 24)
	for h := range hours {
		hours[h] = fmt.Sprintf("%02d", h)
	}
	// The colour scale spans the busiest and the quietest hour; an hour
	// without conversations (absent from the query) makes the floor zero.
	var most, least int64
	data := make([]opts.HeatMapData, 0, len(cells))
	for i, c := range cells {
		data = append(data, opts.HeatMapData{
			Name:  fmt.Sprintf("%s %02d:00–%02d:00", weekdays[c.DOW-1], c.Hour, c.Hour+1),
			Value: [3]any{c.Hour, c.DOW - 1, c.Conversations},
		})
		most = max(most, c.Conversations)
		if i == 0 || c.Conversations < least {
			least = c.Conversations
		}
	}
	if len(cells) < 7*24 {
		least = 0
	}
	hm := charts.NewHeatMap()
	hm.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: "Conversations by hour of week", Subtitle: "hour the conversation started, in " + tz, Left: "8"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithGridOpts(opts.Grid{Left: "12", Right: "24", Top: "64", Bottom: "56", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Data: hours}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: weekdays, Inverse: opts.Bool(true)}),
		charts.WithVisualMapOpts(opts.VisualMap{
			Calculable: opts.Bool(false), Min: float32(least), Max: float32(max(most, least+1)),
			Orient: "horizontal", Left: "center", Bottom: "0",
			InRange: &opts.VisualMapInRange{Color: []string{"#eff6ff", "#1d4ed8"}},
		}),
	)
	hm.SetXAxis(hours).AddSeries("Conversations", data)
	return hm
}

func channelChart(ch []channelShare) *charts.Pie {
	data := make([]opts.PieData, len(ch))
	for i, c := range ch {
		data[i] = opts.PieData{Name: c.Channel, Value: c.Conversations}
	}
	pie := charts.NewPie()
	pie.SetGlobalOptions(
		charts.WithTitleOpts(opts.Title{Title: "Channel mix", Subtitle: "conversations started", Left: "8"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: "{b}: {c} ({d}%)"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Orient: "vertical", Right: "8", Top: "middle"}),
		charts.WithColorsOpts(palette),
	)
	pie.AddSeries("Channel", data,
		charts.WithPieChartOpts(opts.PieChart{Radius: []string{"40%", "68%"}, Center: []string{"42%", "56%"}}),
		charts.WithLabelOpts(opts.Label{Show: opts.Bool(true), Formatter: "{b}: {d}%"}))
	return pie
}

func (r *run) responsiveness(ctx context.Context) (template.HTML, error) {
	d, err := loadResponsiveness(ctx, r.db.DB, r.period)
	if err != nil {
		return "", err
	}
	dist, err := charted("320px",
		frtDistributionChart(d.Buckets, "calendar", "First response time, calendar time", "% of each channel's responded conversations"),
		frtDistributionChart(d.Buckets, "business", "First response time, business hours only", "clock stops outside the queue's opening hours"))
	if err != nil {
		return "", err
	}
	queues := make([]string, len(d.Queues))
	attained := make([]any, len(d.Queues))
	for i, q := range d.Queues {
		queues[i], attained[i] = q.Queue, num(q.SLAPct)
	}
	slaChart, err := reports.Chart(groupedBar("SLA attainment per queue", "% of first responses within the channel's target",
		queues, []series{{name: "Within target (%)", values: attained, colour: colourGood}}, axis{name: "%", unit: " %", min: 0, max: 100}, true, false),
		fmt.Sprintf("%dpx", 120+28*max(len(queues), 3)))
	if err != nil {
		return "", err
	}
	chTable, err := channelFRTTable(d.Channels)
	if err != nil {
		return "", err
	}
	qTable, err := queueSLATable(d.Queues)
	if err != nil {
		return "", err
	}
	windows, err := windowCharts(d.Windows)
	if err != nil {
		return "", err
	}
	split, err := reports.Chart(waitSplitChart(d.WaitSplit), fmt.Sprintf("%dpx", 130+32*max(len(d.WaitSplit), 3)))
	if err != nil {
		return "", err
	}
	return render(
		section{Title: "First response time distribution", Note: "Calendar time counts every minute the customer waited; business time only the queue's opening hours.", Items: dist},
		section{Title: "Per channel", Items: []template.HTML{chTable}, Wide: true},
		section{Title: "SLA attainment per queue", Items: []template.HTML{slaChart}},
		section{Title: "Per queue", Items: []template.HTML{qTable}, Wide: true},
		section{Title: "Reply windows", Note: "WhatsApp and Messenger let the business answer freely for 24 hours after the customer writes; later, only paid templates. A conversation is breached when a customer waited longer than the channel's window for any reply.", Items: windows},
		section{Title: "Who held the clock", Note: "Calendar resolution time of resolved conversations: the customer waiting for the business, the business waiting for the customer, and neither (before the first message, or closed until a reopen).", Items: []template.HTML{split}},
	)
}

// windowCharts draws the reply-window breach rate per channel and per queue
// (only conversations on channels with a window count).
func windowCharts(rows []windowBreaches) ([]template.HTML, error) {
	out := make([]template.HTML, 0, 2)
	for _, dim := range []struct{ key, title string }{{"channel", "Reply-window breaches per channel"}, {"queue", "Reply-window breaches per queue"}} {
		var names []string
		var rates []any
		for _, w := range rows {
			if w.Dimension == dim.key {
				names, rates = append(names, w.Name), append(rates, num(w.BreachedPct))
			}
		}
		h, err := reports.Chart(groupedBar(dim.title, "% of conversations with a wait longer than the channel's reply window",
			names, []series{{name: "Breached (%)", values: rates, colour: colourBad}}, axis{name: "%", unit: " %", min: 0, max: 100}, true, false),
			fmt.Sprintf("%dpx", 120+28*max(len(names), 3)))
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// waitSplitChart stacks each channel's resolution time by who held the clock.
func waitSplitChart(rows []waitSplit) *charts.Bar {
	names := make([]string, len(rows))
	business, customer, other := make([]any, len(rows)), make([]any, len(rows)), make([]any, len(rows))
	for i, w := range rows {
		names[i], business[i], customer[i], other[i] = w.Channel, num(w.BusinessPct), num(w.CustomerPct), num(w.OtherPct)
	}
	return groupedBar("Resolution time by who was waited on", "% of each channel's calendar resolution time (sums to 100%)", names,
		[]series{{name: "Customer waiting on the business", values: business, colour: colourBad},
			{name: "Business waiting on the customer", values: customer, colour: colourNeutral},
			{name: "Neither", values: other, colour: palette[7]}},
		axis{name: "%", unit: " %", min: 0, max: 100}, true, true)
}

func frtDistributionChart(buckets []frtBucket, basis, title, subtitle string) *charts.Bar {
	var labels, channels []string
	values := map[string][]any{}
	for _, b := range buckets {
		if b.Basis != basis {
			continue
		}
		if !slices.Contains(channels, b.Channel) {
			channels = append(channels, b.Channel)
		}
		if !slices.Contains(labels, b.Label) {
			labels = append(labels, b.Label)
		}
		values[b.Channel] = append(values[b.Channel], num(b.Pct))
	}
	ss := make([]series, len(channels))
	for i, c := range channels {
		ss[i] = series{name: c, values: values[c]}
	}
	return groupedBar(title, subtitle, labels, ss, axis{name: "% of responded", unit: " %"}, false, false)
}

func channelFRTTable(rows []channelFRT) (template.HTML, error) {
	t := reports.Table{Columns: []reports.Column{
		{Label: "Channel"}, {Label: "Conversations", Numeric: true}, {Label: "Responded", Numeric: true},
		{Label: "Median FRT", Numeric: true, Title: "calendar time"}, {Label: "P90 FRT", Numeric: true, Title: "calendar time"},
		{Label: "Median FRT, business", Numeric: true, Title: "only the queue's opening hours count"},
		{Label: "Median first reply incl. bot", Numeric: true}, {Label: "SLA target", Numeric: true}, {Label: "Within target", Numeric: true},
	}}
	for _, c := range rows {
		t.Rows = append(t.Rows, []reports.Cell{
			{Text: c.Channel}, {Text: count(c.Conversations)}, {Text: count(c.Responded)},
			minutesCell(c.FRTMedianMin), minutesCell(c.FRTP90Min), minutesCell(c.FRTBusinessMedianMin),
			minutesCell(c.FRTAnyMedianMin), minutesCell(c.SLATargetMin), {Text: pct(c.SLAPct)},
		})
	}
	return t.HTML()
}

func queueSLATable(rows []queueSLA) (template.HTML, error) {
	t := reports.Table{Sortable: true, Columns: []reports.Column{
		{Label: "Queue"}, {Label: "With a target", Numeric: true}, {Label: "Met", Numeric: true},
		{Label: "Within target", Numeric: true}, {Label: "Median FRT", Numeric: true},
	}}
	for _, q := range rows {
		t.Rows = append(t.Rows, []reports.Cell{
			{Text: q.Queue}, {Text: count(q.Measured)}, {Text: count(q.Met)},
			{Text: pct(q.SLAPct), Sort: sortKey(q.SLAPct)}, minutesCell(q.FRTMedianMin),
		})
	}
	return t.HTML()
}

// minutesCell shows a value in minutes as a duration, sorting by the minutes.
func minutesCell(min *float64) reports.Cell {
	if min == nil {
		return reports.Cell{Text: dash}
	}
	return reports.Cell{Text: reports.Duration(f(*min * 60)), Sort: sortKey(min)}
}

// hoursCell shows a value in hours as a duration, sorting by the hours.
func hoursCell(h *float64) reports.Cell {
	if h == nil {
		return reports.Cell{Text: dash}
	}
	return reports.Cell{Text: reports.Duration(f(*h * 3600)), Sort: sortKey(h)}
}

func (r *run) resolution(ctx context.Context) (template.HTML, error) {
	d, err := loadResolution(ctx, r.db.DB, r.period)
	if err != nil {
		return "", err
	}
	labels := make([]string, len(d.Buckets))
	counts := make([]any, len(d.Buckets))
	for i, b := range d.Buckets {
		labels[i], counts[i] = b.Label, b.Conversations
	}
	chs := make([]string, len(d.Channels))
	var res, fcr, reopen, repeat []any
	for i, c := range d.Channels {
		chs[i] = c.Channel
		res = append(res, c.ResolutionPct)
		fcr = append(fcr, num(c.FCRPct))
		reopen = append(reopen, num(c.ReopenPct))
		repeat = append(repeat, num(c.RepeatPct))
	}
	botNames := make([]string, len(d.Bot))
	var contained, handed, abandoned []any
	for i, b := range d.Bot {
		botNames[i] = b.Channel
		contained = append(contained, b.ContainedPct)
		handed = append(handed, b.HandedOffPct)
		abandoned = append(abandoned, b.AbandonedPct)
	}
	targets := make([]string, len(d.Escalations))
	effective := make([]any, len(d.Escalations))
	for i, e := range d.Escalations {
		targets[i], effective[i] = e.Target, e.EffectivePct
	}
	top, err := charted("320px",
		groupedBar("Time to resolution", "resolved conversations, calendar time", labels,
			[]series{{name: "Conversations", values: counts}}, axis{name: "conversations"}, false, false),
		groupedBar("Resolution quality per channel", "resolution over all conversations; the rest over resolved ones", chs,
			[]series{{name: "Resolved (%)", values: res}, {name: "First-contact resolution (%)", values: fcr},
				{name: "Reopened (%)", values: reopen}, {name: "Repeat contact (%)", values: repeat}},
			axis{name: "%", unit: " %", min: 0, max: 100}, false, false))
	if err != nil {
		return "", err
	}
	barHeight := func(n int) string { return fmt.Sprintf("%dpx", 130+32*max(n, 3)) }
	botChart, err := reports.Chart(groupedBar("Bot outcomes", "% of bot-handled conversations (sums to 100%)", botNames,
		[]series{{name: "Contained", values: contained, colour: colourGood}, {name: "Handed off", values: handed, colour: colourNeutral},
			{name: "Abandoned", values: abandoned, colour: colourBad}},
		axis{name: "%", unit: " %", min: 0, max: 100}, true, true), barHeight(len(botNames)))
	if err != nil {
		return "", err
	}
	escChart, err := reports.Chart(groupedBar("Escalation effectiveness per target", "% resolved within the window without a reopen", targets,
		[]series{{name: "Effective (%)", values: effective, colour: colourGood}}, axis{name: "%", unit: " %", min: 0, max: 100}, true, false),
		barHeight(len(targets)))
	if err != nil {
		return "", err
	}
	handoff, err := reports.Chart(handoffChart(d.Handoff), "320px")
	if err != nil {
		return "", err
	}
	botTable, err := botTable(d.Bot)
	if err != nil {
		return "", err
	}
	escTable, err := escalationTable(d.Escalations)
	if err != nil {
		return "", err
	}
	return render(
		section{Title: "Resolution", Items: top},
		section{Title: "Bot outcomes", Items: []template.HTML{botChart, botTable}},
		section{Title: "Escalations", Note: "An escalation is effective when the conversation is resolved within the configured window and not reopened soon after.",
			Items: []template.HTML{escChart, handoff}},
		section{Title: "Escalations per target", Items: []template.HTML{escTable}, Wide: true},
	)
}

func handoffChart(buckets []handoffBucket) *charts.Bar {
	var labels, sources []string
	values := map[string][]any{}
	for _, b := range buckets {
		if !slices.Contains(sources, b.Source) {
			sources = append(sources, b.Source)
		}
		if !slices.Contains(labels, b.Label) {
			labels = append(labels, b.Label)
		}
		values[b.Source] = append(values[b.Source], b.Escalations)
	}
	names := map[string]string{"bot": "From the bot", "tier": "Between tiers"}
	ss := make([]series, len(sources))
	for i, s := range sources {
		name := names[s]
		if name == "" {
			name = s
		}
		ss[i] = series{name: name, values: values[s]}
	}
	return groupedBar("Handoff wait", "from the escalation to the first human reply", labels, ss, axis{name: "escalations"}, false, false)
}

func botTable(rows []botOutcome) (template.HTML, error) {
	t := reports.Table{Columns: []reports.Column{
		{Label: "Channel"}, {Label: "Bot-handled", Numeric: true}, {Label: "Contained", Numeric: true},
		{Label: "Handed off", Numeric: true}, {Label: "Abandoned", Numeric: true},
	}}
	for _, b := range rows {
		t.Rows = append(t.Rows, []reports.Cell{
			{Text: b.Channel}, {Text: count(b.BotHandled)},
			{Text: fmt.Sprintf("%s (%.1f%%)", count(b.Contained), b.ContainedPct)},
			{Text: fmt.Sprintf("%s (%.1f%%)", count(b.HandedOff), b.HandedOffPct)},
			{Text: fmt.Sprintf("%s (%.1f%%)", count(b.Abandoned), b.AbandonedPct)},
		})
	}
	return t.HTML()
}

func escalationTable(rows []escalationTarget) (template.HTML, error) {
	t := reports.Table{Sortable: true, Columns: []reports.Column{
		{Label: "Target"}, {Label: "Escalations", Numeric: true}, {Label: "From the bot", Numeric: true},
		{Label: "Effective", Numeric: true}, {Label: "Effective %", Numeric: true}, {Label: "Median handoff wait", Numeric: true},
	}}
	for _, e := range rows {
		t.Rows = append(t.Rows, []reports.Cell{
			{Text: e.Target}, {Text: count(e.Escalations)}, {Text: count(e.FromBot)}, {Text: count(e.Effective)},
			{Text: pct(&e.EffectivePct), Sort: sortKey(&e.EffectivePct)}, minutesCell(e.HandoffWaitMedianMin),
		})
	}
	return t.HTML()
}

func (r *run) friction(ctx context.Context) (template.HTML, error) {
	d, err := loadFriction(ctx, r.db.DB, r.period)
	if err != nil {
		return "", err
	}
	bands := make([]string, len(d.Bands))
	counts := make([]any, len(d.Bands))
	for i, b := range d.Bands {
		bands[i] = fmt.Sprintf("%d–%d", b.Lo, b.Lo+10)
		counts[i] = b.Conversations
	}
	chs := make([]string, len(d.Components))
	var tm, imp, dir, eff []any
	for i, c := range d.Components {
		chs[i] = c.Channel
		tm, imp, dir, eff = append(tm, num(c.Time)), append(imp, num(c.Impersonal)), append(dir, num(c.Directness)), append(eff, num(c.Effort))
	}
	top, err := charted("320px",
		groupedBar("Friction score distribution", "0 = effortless, 100 = worst", bands,
			[]series{{name: "Conversations", values: counts}}, axis{name: "conversations"}, false, false),
		groupedBar("Friction components", "mean per channel, each 0–1", chs,
			[]series{{name: "Time", values: tm}, {name: "Impersonal", values: imp}, {name: "Directness", values: dir}, {name: "Effort", values: eff}},
			axis{name: "mean (0–1)", min: 0, max: 1}, false, false))
	if err != nil {
		return "", err
	}
	drivers, err := driversTable(d.Drivers)
	if err != nil {
		return "", err
	}
	worst, err := worstTable(d.Worst, r.cfg.QALink)
	if err != nil {
		return "", err
	}
	return render(
		section{Title: "Distribution and components", Items: top},
		section{Title: "Top drivers", Note: "How often each event happens in the top 10% of conversations by friction, compared with the rest. Lift above 1 means it is over-represented among the worst.",
			Items: []template.HTML{drivers}, Wide: true},
		section{Title: fmt.Sprintf("Highest-friction conversations (top %d)", worstLimit), Items: []template.HTML{worst}, Wide: true},
	)
}

func driversTable(rows []frictionDriver) (template.HTML, error) {
	t := reports.Table{Sortable: true, Columns: []reports.Column{
		{Label: "Driver"}, {Label: "In the top 10%", Numeric: true}, {Label: "In the rest", Numeric: true}, {Label: "Lift", Numeric: true},
	}}
	for _, d := range rows {
		t.Rows = append(t.Rows, []reports.Cell{
			{Text: d.Driver}, {Text: pct(d.HighPct), Sort: sortKey(d.HighPct)}, {Text: pct(d.RestPct), Sort: sortKey(d.RestPct)},
			{Text: decimal(d.Lift, 2), Sort: sortKey(d.Lift)},
		})
	}
	return t.HTML()
}

func worstTable(rows []worstConversation, qaLink string) (template.HTML, error) {
	t := reports.Table{Sortable: true, Columns: []reports.Column{
		{Label: "Conversation"}, {Label: "Started"}, {Label: "Channel"}, {Label: "Queue"}, {Label: "Agent"},
		{Label: "Friction", Numeric: true}, {Label: "Time", Numeric: true}, {Label: "Impersonal", Numeric: true},
		{Label: "Directness", Numeric: true}, {Label: "Effort", Numeric: true}, {Label: "CSAT", Numeric: true},
	}}
	for _, w := range rows {
		csat := reports.Cell{Text: dash}
		if w.CSAT != nil {
			csat = reports.Cell{Text: strconv.FormatInt(*w.CSAT, 10)}
		}
		t.Rows = append(t.Rows, []reports.Cell{
			{Text: w.ConversationID, Href: qaHref(qaLink, w.ConversationID)}, {Text: w.StartedLocal}, {Text: w.Channel},
			{Text: w.Queue}, {Text: w.Agent}, {Text: decimal(&w.FrictionScore, 1)},
			{Text: decimal(w.Time, 2)}, {Text: decimal(w.Impersonal, 2)}, {Text: decimal(w.Directness, 2)}, {Text: decimal(w.Effort, 2)}, csat,
		})
	}
	return t.HTML()
}

func (r *run) team(ctx context.Context) (template.HTML, error) {
	d, err := loadTeam(ctx, r.db.DB, r.period)
	if err != nil {
		return "", err
	}
	agents := reports.Table{Sortable: true, Columns: []reports.Column{
		{Label: "Agent"}, {Label: "Conversations", Numeric: true}, {Label: "Messages sent", Numeric: true},
		{Label: "Median FRT", Numeric: true}, {Label: "Resolved", Numeric: true}, {Label: "Median resolution", Numeric: true},
		{Label: "CSAT", Numeric: true}, {Label: "CSAT answers", Numeric: true}, {Label: "Median friction", Numeric: true},
	}}
	for _, a := range d.Agents {
		agents.Rows = append(agents.Rows, []reports.Cell{
			{Text: a.Agent}, {Text: count(a.Conversations), Sort: fmt.Sprint(a.Conversations)}, {Text: count(a.AgentMessages), Sort: fmt.Sprint(a.AgentMessages)},
			minutesCell(a.FRTMedianMin), {Text: pct(&a.ResolutionPct), Sort: sortKey(&a.ResolutionPct)}, hoursCell(a.ResolutionMedianH),
			{Text: decimal(a.CSATAvg, 2), Sort: sortKey(a.CSATAvg)}, {Text: count(a.CSATResponses), Sort: fmt.Sprint(a.CSATResponses)},
			{Text: decimal(a.FrictionMedian, 1), Sort: sortKey(a.FrictionMedian)},
		})
	}
	queues := reports.Table{Sortable: true, Columns: []reports.Column{
		{Label: "Queue"}, {Label: "Conversations", Numeric: true}, {Label: "Median FRT", Numeric: true},
		{Label: "Within SLA", Numeric: true}, {Label: "Resolved", Numeric: true}, {Label: "Escalated", Numeric: true},
		{Label: "CSAT", Numeric: true}, {Label: "CSAT answers", Numeric: true}, {Label: "Median friction", Numeric: true},
	}}
	for _, q := range d.Queues {
		queues.Rows = append(queues.Rows, []reports.Cell{
			{Text: q.Queue}, {Text: count(q.Conversations), Sort: fmt.Sprint(q.Conversations)}, minutesCell(q.FRTMedianMin),
			{Text: pct(q.SLAPct), Sort: sortKey(q.SLAPct)}, {Text: pct(&q.ResolutionPct), Sort: sortKey(&q.ResolutionPct)},
			{Text: pct(&q.EscalatedPct), Sort: sortKey(&q.EscalatedPct)},
			{Text: decimal(q.CSATAvg, 2), Sort: sortKey(q.CSATAvg)}, {Text: count(q.CSATResponses), Sort: fmt.Sprint(q.CSATResponses)},
			{Text: decimal(q.FrictionMedian, 1), Sort: sortKey(q.FrictionMedian)},
		})
	}
	at, err := agents.HTML()
	if err != nil {
		return "", err
	}
	qt, err := queues.HTML()
	if err != nil {
		return "", err
	}
	return render(
		section{Title: "Agents", Note: "Each conversation counts for its most active human agent.", Items: []template.HTML{at}, Wide: true},
		section{Title: "Queues", Note: "Each conversation counts for the queue it ended in.", Items: []template.HTML{qt}, Wide: true},
	)
}
