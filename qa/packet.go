package qa

import (
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/parley-cx/parley/internal/atomicfile"
	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/htmlpage"
	"github.com/parley-cx/parley/internal/redact"
	"github.com/parley-cx/parley/internal/warehouse"
)

var (
	//go:embed packet.tmpl
	packetSource string
	packetTmpl   = template.Must(template.New("packet").Funcs(template.FuncMap{"inline": inline}).Parse(packetSource))
	// reviewJS is the review form's script, the packet pages' own
	// (htmlpage.Page.Script): drafts in localStorage, "Download scores".
	//go:embed review.js
	reviewJS string
)

// transcriptDir holds the transcript pages inside a packet folder.
const transcriptDir = "transcripts"

// replacePacket writes the packet into a temporary folder in cfg.Out and
// then swaps it in place of any earlier attempt of the same run
// (htmlpage.ReplaceEntries), so a rerun leaves no stale pages behind, and a
// reader, or a failure part-way, never leaves half a packet.
func replacePacket(ctx context.Context, db *warehouse.DB, cfg Config, p plan, picks []Pick, short []Shortfall) error {
	err := htmlpage.ReplaceEntries(cfg.Out, "packet", func(stage string) error {
		return writePacket(ctx, db, cfg, p, filepath.Join(stage, p.run), picks, short)
	})
	if err != nil {
		return fmt.Errorf("qa: write packet %s: %w", p.run, err)
	}
	return nil
}

// writePacket loads the picks' metrics and events and writes the packet
// into dir: the manifests, one page per transcript and the index page.
func writePacket(ctx context.Context, db *warehouse.DB, cfg Config, p plan, dir string, picks []Pick, short []Shortfall) error {
	ids := make([]string, len(picks))
	for i, pk := range picks {
		ids[i] = pk.ConversationID
	}
	convs, err := loadConversations(ctx, db, ids)
	if err != nil {
		return err
	}
	autoQA, err := loadAutoEvidence(ctx, db, ids, convs)
	if err != nil {
		return err
	}
	if !autoQA {
		cfg.Log.Warn("qa: the warehouse has no auto_qa (built by a parley before the automatic checks): the transcripts carry no marks of failed checks; rebuild it with parley build")
	}
	show := shown{text: redact.Text, id: redact.ID}
	if cfg.NoRedact {
		asWritten := func(s string) string { return s }
		show = shown{text: asWritten, id: asWritten}
	}

	settings := cfg.Settings
	if settings == nil {
		settings = config.Default()
	}
	rows := make([]manifestRow, len(picks))
	cards := make([]*config.Scorecard, len(picks))
	width := len(strconv.Itoa(len(picks)))
	for i, pk := range picks {
		c, ok := convs[pk.ConversationID]
		if !ok {
			return fmt.Errorf("qa: sampled conversation %q vanished from the warehouse", pk.ConversationID)
		}
		rows[i] = newManifestRow(i+1, width, pk, c, cfg.AttributeTo, p)
		cards[i] = settings.QA.ScorecardFor(c.LastQueue, c.Channel)
	}

	if err := writeOptions(dir, optionsOf(cfg, p)); err != nil {
		return err
	}
	csvData, jsonl, err := encodeManifest(rows)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "manifest.csv"), csvData); err != nil {
		return fmt.Errorf("qa: %w", err)
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "manifest.jsonl"), jsonl); err != nil {
		return fmt.Errorf("qa: %w", err)
	}
	tmpl, err := encodeTemplate(rows, cards, cfg.Reviewers)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, TemplateName), tmpl); err != nil {
		return fmt.Errorf("qa: %w", err)
	}

	for i, r := range rows {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("qa: write transcripts: %w", err)
		}
		page, err := transcriptPage(rows, i, convs[r.ConversationID], autoQA, p, show, cards[i], cfg.Reviewers)
		if err != nil {
			return err
		}
		if err := htmlpage.WritePage(filepath.Join(dir, filepath.FromSlash(r.Page)), page); err != nil {
			return fmt.Errorf("qa: %w", err)
		}
		if (i+1)%100 == 0 {
			cfg.Log.Info("qa: transcripts written", "done", i+1, "of", len(rows))
		}
	}

	page, err := indexPage(cfg, p, rows, short)
	if err != nil {
		return err
	}
	if err := htmlpage.WritePage(filepath.Join(dir, "index.html"), page); err != nil {
		return fmt.Errorf("qa: %w", err)
	}
	return nil
}

func newManifestRow(n, width int, pk Pick, c *conversation, attributeTo string, p plan) manifestRow {
	r := manifestRow{
		N: n, ConversationID: pk.ConversationID, Agent: pk.Agent, AttributedBy: attributeTo,
		Queue: c.LastQueue, Channel: c.Channel, LocalDate: c.LocalDate,
		Reason: pk.Reason, Strata: pk.Strata, Run: p.run, Seed: p.rules.seed,
		Reviewer: pk.Reviewer, Calibration: pk.Calibration,
		CSAT: c.CSAT, FrictionScore: c.Friction, FirstResponseS: c.FirstResponseS,
		ResolutionS: c.ResolutionS, Resolved: c.Resolved, SLAMet: c.SLAMet,
		Reopens: c.Reopens, Escalations: c.Escalations, Transfers: c.Transfers,
		Messages: c.CustomerMessages + c.AgentMessages + c.BotMessages,
		// Pages are named by position, never by id: ids are untrusted and may
		// hold "../" or characters a file system rejects.
		Page: path.Join(transcriptDir, fmt.Sprintf("%0*d.html", width, n)),
	}
	if pk.Short != nil {
		r.QuotaNote = fmt.Sprintf("agent had %d of %d", pk.Short.Had, pk.Short.Wanted)
	}
	return r
}

func indexPage(cfg Config, p plan, rows []manifestRow, short []Shortfall) (htmlpage.Page, error) {
	t := htmlpage.Table{
		Caption:  fmt.Sprintf("%d conversations", len(rows)),
		Sortable: true,
		Columns: []htmlpage.Column{
			{Label: "#", Numeric: true}, {Label: "Conversation"}, {Label: "Agent"}, {Label: "Queue"},
			{Label: "Channel"}, {Label: "Date"}, {Label: "Reason"}, {Label: "Strata"},
			{Label: "CSAT", Numeric: true}, {Label: "Friction", Numeric: true, Title: "friction_score, 0..100"},
			{Label: "First response", Numeric: true, Title: "first human reply, calendar time"},
			{Label: "Reviewer", Title: "who scores it; calibration conversations are scored by every reviewer"},
			{Label: "Review", Title: "reviews kept in this browser (filled in by the page)"},
		},
	}
	type rowRef struct {
		N    int    `json:"n"`
		Page string `json:"page"`
	}
	refs := make([]rowRef, len(rows))
	for i, r := range rows {
		refs[i] = rowRef{N: r.N, Page: r.Page}
		reviewer := r.Reviewer
		if r.Calibration {
			reviewer = "all (calibration)"
		}
		t.Rows = append(t.Rows, []htmlpage.Cell{
			{Text: strconv.Itoa(r.N)},
			{Text: r.ConversationID, Href: r.Page},
			{Text: cmp.Or(r.Agent, "no human agent")},
			{Text: r.Queue}, {Text: r.Channel}, {Text: r.LocalDate},
			{Text: r.Reason + quotaSuffix(r.QuotaNote)},
			{Text: strings.Join(r.Strata, ", ")},
			{Text: optInt(r.CSAT)},
			{Text: fmtScore(r.FrictionScore), Sort: optFloat(r.FrictionScore)},
			{Text: htmlpage.Duration(r.FirstResponseS), Sort: optFloat(r.FirstResponseS)},
			{Text: reviewer}, {},
		})
	}
	table, err := t.HTML()
	if err != nil {
		return htmlpage.Page{}, fmt.Errorf("qa: index table: %w", err)
	}
	selection := fmt.Sprintf("%d conversations", p.rules.size)
	if p.rules.perAgent > 0 {
		selection = fmt.Sprintf("%d per agent", p.rules.perAgent)
	}
	selection += fmt.Sprintf(", %.0f%% drawn at random, the rest from strata", 100*p.rules.randomShare)
	strata := strings.Join(p.rules.strata, ", ")
	if strata == "" {
		strata = "none (random only)"
	}
	filters := cmp.Or(cfg.slice().String(), "all queues, channels, markets and contact reasons")
	redaction := "e-mail addresses, phone numbers (customer ids included), card numbers, IBANs, SSNs, " +
		"National Insurance, DNI/NIE and passport numbers, dates of birth and IP addresses are replaced by " +
		"placeholders such as " + redact.Email
	if cfg.NoRedact {
		redaction = "OFF (--no-redact): transcripts show personal data as written"
	}
	reviewers := "none assigned (reviewers enter their id on each page)"
	if len(cfg.Reviewers) > 0 {
		reviewers = strings.Join(cfg.Reviewers, ", ") + ", each conversation assigned to one, never to its own agent"
	}
	if p.rules.calibration > 0 {
		reviewers += fmt.Sprintf("; %d calibration conversations scored by every reviewer", p.rules.calibration)
	}
	data, err := dataBlock(map[string]any{"page": "index", "run": p.run, "rows": refs})
	if err != nil {
		return htmlpage.Page{}, err
	}
	body, err := htmlpage.Fragment(packetTmpl.Lookup("index"), map[string]any{
		"Run": p.run, "Seed": p.rules.seed, "Selection": selection, "Strata": strata, "Filters": filters,
		"Candidates": p.candidates, "Skipped": p.skipped, "AttributeTo": cfg.AttributeTo,
		"Redaction": redaction, "Short": short, "Table": table, "Reviewers": reviewers, "Data": data,
	})
	if err != nil {
		return htmlpage.Page{}, fmt.Errorf("qa: %w", err)
	}
	return htmlpage.Page{
		Title:     "QA review sample",
		Subtitle:  "Run " + p.run,
		Period:    p.from + " to " + p.to,
		TimeZone:  p.loc.String(),
		Freshness: "data to " + p.dataTo,
		Nav:       []htmlpage.Link{{Href: "index.html", Label: "Sample", Current: true}},
		Body:      body,
		Footer:    "Parley QA sample. Manifests: manifest.csv, manifest.jsonl; spreadsheet scoring: " + TemplateName + ".",
		Script:    reviewJS,
	}, nil
}

// dataBlock encodes v for a page's JSON data block (<script
// type="application/json">), which the page's script reads: encoding/json
// escapes <, > and &, so no text can close the block.
func dataBlock(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("qa: encode page data: %w", err)
	}
	return template.JS(b), nil
}

// formCategory is one category of a transcript page's review form.
type formCategory struct {
	config.Category
	Values []formValue
}

type formValue struct {
	Value int
	Label string
}

// reviewForm is what a transcript page's review form needs: the scorecard,
// who reviews, and the data block its script reads.
func reviewForm(r manifestRow, sc *config.Scorecard, reviewers []string) (map[string]any, error) {
	if sc == nil {
		return nil, nil
	}
	type category struct {
		Name        string  `json:"name"`
		Description string  `json:"description"`
		Scale       string  `json:"scale"`
		Min         int     `json:"min"`
		Max         int     `json:"max"`
		AllowNA     bool    `json:"allow_na"`
		Critical    bool    `json:"critical"`
		Weight      float64 `json:"weight"`
	}
	var cats []category
	var form []formCategory
	for _, c := range sc.Categories {
		lo, hi, _ := config.ScaleRange(c.Scale)
		cats = append(cats, category{c.Name, c.Description, c.Scale, lo, hi, c.AllowNA, c.Critical, c.Weight})
		fc := formCategory{Category: c}
		for v := lo; v <= hi; v++ {
			label := strconv.Itoa(v)
			if c.Scale == config.ScaleBinary {
				label = map[int]string{0: "No (0)", 1: "Yes (1)"}[v]
			}
			fc.Values = append(fc.Values, formValue{v, label})
		}
		form = append(form, fc)
	}
	data, err := dataBlock(map[string]any{
		"page": "transcript", "run": r.Run, "n": r.N, "conversation_id": r.ConversationID,
		"agent_id": r.Agent, "calibration": r.Calibration, "reviewer": r.Reviewer,
		"scorecard": map[string]any{"name": sc.Name, "version": sc.Version(), "categories": cats},
	})
	if err != nil {
		return nil, err
	}
	var suggest []string
	if r.Calibration {
		suggest = reviewers
	} else if r.Reviewer != "" {
		suggest = []string{r.Reviewer}
	}
	return map[string]any{
		"Name": sc.Name, "Version": sc.Version(), "Calibration": r.Calibration, "Assigned": r.Reviewer,
		"Reviewers": suggest, "Categories": form, "Data": data,
	}, nil
}

// line is one row of a rendered transcript: a message (Speaker and Text
// set) or an event such as a transfer (Event set).
type line struct {
	When, Class, Text string
	Speaker, Event    phrase
	Badges            []string
	Mark              bool // escalations, transfers and reopens stand out
	// Anchor is the line's element id when a failed automatic check names
	// it as evidence (Fails), so the page's summary links to it.
	Anchor string
	Fails  []shownFail
}

// shownFail is a failed automatic check as a transcript page shows it: on
// the line of its evidence, or in the summary (Href "" when no line is).
type shownFail struct {
	Check, Detail, Href string
}

// autoMarks puts each of c's failed checks on the line of its evidence
// (lines[i] shows c.Events[i]) and returns them all for the page's summary.
// Details pass through show.text: a check's detail may quote the
// conversation (the misspelt words).
func autoMarks(c *conversation, lines []line, show shown) []shownFail {
	bySeq := make(map[int64]int, len(c.Events))
	for i, e := range c.Events {
		bySeq[e.Seq] = i
	}
	out := make([]shownFail, 0, len(c.AutoFails))
	for _, f := range c.AutoFails {
		sf := shownFail{Check: f.Check, Detail: show.text(f.Detail)}
		if i, ok := bySeq[f.Seq]; ok && f.Seq != 0 {
			lines[i].Anchor = fmt.Sprintf("seq-%d", f.Seq)
			lines[i].Fails = append(lines[i].Fails, sf)
			sf.Href = "#" + lines[i].Anchor
		}
		out = append(out, sf)
	}
	return out
}

// phrase is a piece of page text with values from the events in it (ids,
// queues): the page isolates each value (<bdi>, see the "value" template),
// so a right-to-left override in one cannot reorder the text around it.
type phrase []part

// part is page text, or a value from the events when Value is set.
type part struct {
	Text  string
	Value bool
}

func words(s string) part  { return part{Text: s} }
func value(s string) part  { return part{Text: s, Value: true} }
func says(s string) phrase { return phrase{words(s)} }

// inline returns s, a value the page shows isolated (<bdi>) inside a line
// of its own text, without what would end that isolation early: browsers
// (Chromium) close an element's isolate at an unmatched PDI (U+2069) in
// its text, and every isolate at a paragraph separator (bidi class B: a new
// line, U+2029, …), after which an override in s (U+202E) would reorder
// the page's own text that follows. An unmatched PDI is invisible, so it
// is dropped; a paragraph separator becomes a space. Overrides and
// isolates s leaves open end with the element.
func inline(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r == pdi || paragraphSeparator(r) }) {
		return s
	}
	var b strings.Builder
	open := 0 // isolates s opened and has not closed
	for _, r := range s {
		switch {
		case r == lri || r == rli || r == fsi:
			open++
		case r == pdi && open == 0:
			continue
		case r == pdi:
			open--
		case paragraphSeparator(r):
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// The directional isolates of Unicode's bidirectional algorithm (UAX #9).
const (
	lri = '\u2066'
	rli = '\u2067'
	fsi = '\u2068'
	pdi = '\u2069'
)

// paragraphSeparator reports whether r is of bidi class B (UAX #9), which
// ends a bidi paragraph.
func paragraphSeparator(r rune) bool {
	switch r {
	case '\n', '\r', '\x1c', '\x1d', '\x1e', '\u0085', '\u2029':
		return true
	}
	return false
}

type metric struct{ Label, Value string }

// shown is how a packet shows what people wrote (text) and the ids of the
// people in a conversation (id): redacted, or as written under --no-redact.
// Ids get their own redaction because a customer id that is only digits is
// a phone number (WhatsApp), while the same digits in a message may be an
// order number.
type shown struct{ text, id func(string) string }

// transcriptPage renders conversation c, the packet's row i. autoQA says
// whether the warehouse has automatic checks, whose failures it marks.
func transcriptPage(rows []manifestRow, i int, c *conversation, autoQA bool, p plan, show shown, sc *config.Scorecard, reviewers []string) (htmlpage.Page, error) {
	r := rows[i]
	var lines []line
	for _, e := range c.Events {
		lines = append(lines, transcriptLine(e, show))
	}
	fails := autoMarks(c, lines, show)
	form, err := reviewForm(r, sc, reviewers)
	if err != nil {
		return htmlpage.Page{}, err
	}
	body, err := htmlpage.Fragment(packetTmpl.Lookup("transcript"), map[string]any{
		"Reason": r.Reason, "Strata": r.Strata, "QuotaNote": r.QuotaNote, "Agent": r.Agent,
		"Customer": cmp.Or(show.id(c.CustomerID), "unknown"), "Channel": c.Channel, "Queue": c.LastQueue,
		"Started": c.StartedLocal.Format("2006-01-02 15:04:05"),
		"Lines":   lines, "Metrics": metrics(c), "Form": form,
		"AutoQA": autoQA, "AutoFails": fails,
	})
	if err != nil {
		return htmlpage.Page{}, fmt.Errorf("qa: transcript of %s: %w", r.ConversationID, err)
	}
	return htmlpage.Page{
		Title:    "Conversation " + r.ConversationID,
		Subtitle: fmt.Sprintf("QA sample %s, #%d", p.run, r.N),
		Period:   c.LocalDate,
		TimeZone: p.loc.String(),
		Nav:      transcriptNav(rows, i),
		Body:     body,
		Script:   reviewJS,
	}, nil
}

// transcriptNav links transcript i to the sample and to its neighbours.
// Links are relative to the transcripts folder.
func transcriptNav(rows []manifestRow, i int) []htmlpage.Link {
	r := rows[i]
	nav := []htmlpage.Link{{Href: "../index.html", Label: "← Sample"}}
	if i > 0 {
		nav = append(nav, htmlpage.Link{Href: path.Base(rows[i-1].Page), Label: "Previous"})
	}
	nav = append(nav, htmlpage.Link{Href: path.Base(r.Page), Label: fmt.Sprintf("%d of %d", r.N, len(rows)), Current: true})
	if i+1 < len(rows) {
		nav = append(nav, htmlpage.Link{Href: path.Base(rows[i+1].Page), Label: "Next"})
	}
	return nav
}

// transcriptLine renders one event. Customer ids may be phone numbers or
// e-mail addresses (SMS, WhatsApp, e-mail channels), so ids pass through
// show.id as message bodies pass through show.text.
func transcriptLine(e event, show shown) line {
	l := line{When: e.Local.Format("2006-01-02 15:04:05")}
	if e.Type == "message" {
		l.Speaker, l.Class = speaker(e.ActorRole, e.ActorID, show), e.ActorRole
		if e.Private {
			l.Class = "note"
			l.Badges = append(l.Badges, "internal note")
		}
		if e.Automated {
			l.Badges = append(l.Badges, "automated")
		}
		l.Text = show.text(deref(e.Text))
		return l
	}
	by := speaker(e.ActorRole, e.ActorID, show)
	to := target(e.ToRole, e.ToID, e.ToQueue, show)
	switch e.Type {
	case "conversation_started":
		l.Event = slices.Concat(says("Conversation started by "), by, queueSuffix(e.Queue))
	case "assigned":
		l.Event = slices.Concat(says("Assigned to "), to)
	case "escalated":
		l.Event, l.Mark = slices.Concat(says("Escalated by "), by, says(" to "), to), true
	case "transferred":
		l.Event, l.Mark = slices.Concat(says("Transferred by "), by, says(" to "), to), true
	case "resolved":
		l.Event = slices.Concat(says("Resolved by "), by)
	case "reopened":
		l.Event, l.Mark = slices.Concat(says("Reopened by "), by, says(fmt.Sprintf(" (episode %d)", e.Episode))), true
	case "csat":
		l.Event = says("CSAT answer: " + optInt(e.CSAT) + " of 5")
	default:
		l.Event = slices.Concat(phrase{value(e.Type)}, says(" by "), by)
	}
	return l
}

// speaker names who did something. Agent and bot ids are the team's own
// identifiers, which reviewers score agents by: they are shown as written,
// here as in the Agent field, the manifests and the index (docs/qa.md, PII
// redaction). Other ids pass through show.id.
func speaker(role, id string, show shown) phrase {
	switch role {
	case "customer":
		return phrase{words("Customer")}
	case "agent":
		if id == "" {
			return phrase{words("Agent (unknown)")}
		}
		return phrase{words("Agent "), value(id)}
	case "bot":
		if id == "" {
			return phrase{words("Bot")}
		}
		return phrase{words("Bot "), value(id)}
	case "system":
		return phrase{words("System")}
	case "":
		return phrase{words("unknown")}
	}
	return phrase{value(strings.TrimSpace(show.text(role) + " " + show.id(id)))}
}

// target names where an assignment, escalation or transfer went: an agent
// or bot (the only roles events.md allows there), named as speaker names
// them ("agent" alone when the event names no one), and a queue.
func target(role, id, queue string, show shown) phrase {
	var p phrase
	switch {
	case (role == "agent" || role == "bot") && id == "":
		p = says(role)
	case role == "agent" || role == "bot":
		p = speaker(role, id, show)
	case role != "" || id != "":
		p = phrase{value(strings.TrimSpace(show.text(role) + " " + show.id(id)))}
	}
	if queue != "" {
		if p != nil {
			p = append(p, words(", "))
		}
		p = append(p, words("queue "), value(queue))
	}
	if p == nil {
		return phrase{words("unknown")}
	}
	return p
}

func queueSuffix(q string) phrase {
	if q == "" {
		return nil
	}
	return phrase{words(" in queue "), value(q)}
}

func quotaSuffix(note string) string {
	if note == "" {
		return ""
	}
	return " (" + note + ")"
}

func metrics(c *conversation) []metric {
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	sla := "no target"
	if c.SLAMet != nil {
		sla = map[bool]string{true: "met", false: "missed"}[*c.SLAMet]
	}
	return []metric{
		{"First response", htmlpage.Duration(c.FirstResponseS)},
		{"First response, business hours", htmlpage.Duration(c.FirstResponseBusinessS)},
		{"SLA target", htmlpage.Duration(c.SLATargetS)},
		{"SLA", sla},
		{"Resolved", yesNo(c.Resolved)},
		{"Resolution time", htmlpage.Duration(c.ResolutionS)},
		{"Reopens", strconv.FormatInt(c.Reopens, 10)},
		{"Escalations", strconv.FormatInt(c.Escalations, 10)},
		{"Transfers", strconv.FormatInt(c.Transfers, 10)},
		{"Abandoned", yesNo(c.Abandoned)},
		{"CSAT", cmp.Or(optInt(c.CSAT), "no answer")},
		{"Friction score", fmtScore(c.Friction)},
		{"· time", fmtShare(c.FrictionTime)},
		{"· impersonal", fmtShare(c.FrictionImpersonal)},
		{"· directness", fmtShare(c.FrictionDirectness)},
		{"· effort", fmtShare(c.FrictionEffort)},
		{"Messages: customer / agent / bot", fmt.Sprintf("%d / %d / %d", c.CustomerMessages, c.AgentMessages, c.BotMessages)},
		{"Complete", yesNo(c.Complete)},
	}
}

func fmtScore(f *float64) string {
	if f == nil {
		return "–"
	}
	return strconv.FormatFloat(*f, 'f', 1, 64)
}

func fmtShare(f *float64) string {
	if f == nil {
		return "–"
	}
	return strconv.FormatFloat(*f, 'f', 2, 64)
}
