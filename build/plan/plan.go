// Package plan declares the SQL files of `parley build`, in the order they
// run, with what each needs: the scope statement before it, whether it
// computes each conversation from its own rows, its named parameters and
// the Go that fills in what it created. transform runs the Transform steps,
// metrics the Metrics steps; package build runs both and owns the rest of
// the stage. A file under sql/build that is not here is never run, and the
// order is the files' numbers (TestPlanCoversEveryFileInOrder).
package plan

import (
	"database/sql"
	"fmt"

	"github.com/parley-cx/parley/internal/config"
	"github.com/parley-cx/parley/internal/version"
)

// Steps is the build, in run order: the file numbers are the order.
//
// When a step has a Scope, stmt/scope_<mode>_<Scope>.sql runs just before
// it, mode being "all" (a full build), "affected" (an incremental one) or
// "chunk" (one pass of a chunked full build); it defines the views or
// tables that say which rows and conversations the file computes.
var Steps = []Step{
	{File: "100_tables.sql", Stage: Transform, Then: ListNewFiles},
	{File: "110_affected.sql", Stage: Transform, Only: IncrementalWithNewFiles, Then: ReadAffected},
	{File: "120_events.sql", Stage: Transform, Only: NewFiles, Scope: "lake", Params: []string{"timezone"}, Then: CheckKeptCopies},
	{File: "125_duplicate_conflicts.sql", Stage: Transform, Only: NewFiles},
	{File: "130_ingest_gaps.sql", Stage: Transform, Then: LoadGaps},
	{File: "135_qa_review_rows.sql", Stage: Transform, Then: LoadReviews},
	{File: "200_settings.sql", Stage: Metrics, Params: SettingNames},
	{File: "201_reference.sql", Stage: Metrics, Then: FillReference},
	{File: "202_dimensions.sql", Stage: Metrics, Then: FillDimensions},
	{File: "210_messages.sql", Stage: Metrics, Scope: "events", PerConversation: true},
	{File: "220_episodes.sql", Stage: Metrics, Scope: "messages", PerConversation: true},
	{File: "230_escalations.sql", Stage: Metrics, PerConversation: true},
	{File: "235_conversation_openings.sql", Stage: Metrics, PerConversation: true, Then: MatchContactReasons},
	{File: "236_conversation_dimensions.sql", Stage: Metrics, PerConversation: true},
	{File: "240_conversations.sql", Stage: Metrics, Scope: "escalations", PerConversation: true},
	{File: "245_qa_reviews.sql", Stage: Metrics},
	{File: "246_qa_quality.sql", Stage: Metrics},
	// The checks read events and conversations, which no later step writes,
	// and no later step reads what they write: they run beside 250-265.
	{File: "247_auto_qa.sql", Stage: Metrics, Then: AutoQA, Beside: EndOfStage},
	{File: "250_rollups.sql", Stage: Metrics},
	{File: "251_dimension_rollups.sql", Stage: Metrics},
	{File: "255_queue_now.sql", Stage: Metrics},
	{File: "260_warehouse_info.sql", Stage: Metrics, Params: []string{"parley_version", "parley_revision"}},
	{File: "265_report_views.sql", Stage: Metrics},
}

// SettingNames are the parameters of 200_settings.sql, which writes them
// into the one-row table build_settings that the later files join to.
var SettingNames = []string{
	"timezone", "repeat_contact_s", "escalation_effective_s", "reopen_s", "idle_complete_s",
	"weight_time", "weight_impersonal", "weight_directness", "weight_effort",
}

// Params are the values of the steps' named parameters ($name in the
// files) for settings s. Durations are seconds.
func Params(s *config.Config) map[string]any {
	return map[string]any{
		"timezone":               s.TimeZone,
		"repeat_contact_s":       s.Windows.RepeatContact.Seconds(),
		"escalation_effective_s": s.Windows.EscalationEffective.Seconds(),
		"reopen_s":               s.Windows.Reopen.Seconds(),
		"idle_complete_s":        s.Windows.IdleComplete.Seconds(),
		"weight_time":            s.Friction.Weights.Time,
		"weight_impersonal":      s.Friction.Weights.Impersonal,
		"weight_directness":      s.Friction.Weights.Directness,
		"weight_effort":          s.Friction.Weights.Effort,
		"parley_version":         version.Get().Module,
		"parley_revision":        version.Get().Revision,
	}
}

// Step is one file of the build.
type Step struct {
	// File is the file's name in sql/build.
	File string
	// Stage is the package that runs it.
	Stage Stage
	// Only restricts the builds that run it; the zero value is every build.
	Only Condition
	// Scope names the stmt/scope_<mode>_<Scope>.sql run just before it.
	Scope string
	// PerConversation says the file computes each conversation from its
	// own rows (and, for repeat contacts, the other conversations' starts):
	// a chunked full build runs it once per chunk, an incremental build
	// only for the affected conversations. These steps are consecutive.
	PerConversation bool
	// Params are the names of its parameters ($name), bound from Params.
	Params []string
	// Then is the Go that runs right after the file.
	Then Hook
	// Beside, when set, lets Then run on a database connection of its own
	// beside the steps after this one, until the step of this file name,
	// which waits for it (EndOfStage: until the stage's last step has run),
	// so that its Go overlaps their SQL. The steps in between must neither
	// name what this step's file creates nor write what a step up to this
	// one created (TestBesideStepsLeaveTheHooksTables). An error on either
	// side cancels the other, and the first is the stage's error.
	Beside string
}

// EndOfStage is the Step.Beside of a hook that may run until the end of
// its stage.
const EndOfStage = "(end of stage)"

// Args binds the step's parameters by name from values (Params). A name
// without a value is a programming error: it panics with the name.
func (s Step) Args(values map[string]any) []any {
	args := make([]any, len(s.Params))
	for i, name := range s.Params {
		v, ok := values[name]
		if !ok {
			panic(fmt.Sprintf("plan: %s: no value for parameter $%s", s.File, name))
		}
		args[i] = sql.Named(name, v)
	}
	return args
}

// Path is the step's file as package sql embeds it.
func (s Step) Path() string { return "build/" + s.File }

// Stage is the package that runs a step.
type Stage int

// The build's two stages, in order.
const (
	// Transform (package transform): lake → events and the build's bookkeeping.
	Transform Stage = iota + 1
	// Metrics (package metrics): events → the public metric tables and views.
	Metrics
)

// Condition says which builds run a step.
type Condition int

// The conditions of Step.Only.
const (
	// Always: every build.
	Always Condition = iota
	// NewFiles: a build that reads lake events files: a full build, or an
	// incremental one that found new files.
	NewFiles
	// IncrementalWithNewFiles: an incremental build that found new files.
	IncrementalWithNewFiles
)

// Hook is Go a stage runs right after a step's file.
type Hook int

// The hooks, by the stage that implements them.
const (
	NoHook Hook = iota
	// ListNewFiles (transform): in an incremental build, compares the lake
	// with the files the warehouse was built from (a full rebuild when one
	// is gone or changed); then sets build_lake_files to the files to read.
	ListNewFiles
	// ReadAffected (transform): counts build_affected, bounds its rows in
	// time (stmt/ranges.sql) and takes their old events out (stmt/old_events.sql).
	ReadAffected
	// CheckKeptCopies (transform): in an incremental build, a full rebuild
	// when a new file holds a copy ingested before the one kept (stmt/lost_kept.sql).
	CheckKeptCopies
	// LoadGaps (transform): replaces ingest_gaps with the lake's gap records.
	LoadGaps
	// LoadReviews (transform): replaces qa_review_rows with the lake's reviews.
	LoadReviews
	// FillReference (metrics): SLA targets, reply windows, business hours.
	FillReference
	// AutoQA (metrics): runs the automatic QA checks into auto_qa.
	AutoQA
	// FillDimensions (metrics): the dimensions, contact-reason rules and
	// prices of parley.yaml (metrics/dimensions.go).
	FillDimensions
	// MatchContactReasons (metrics): matches each contact-reason rule, one
	// statement per rule, against the customer's first messages.
	MatchContactReasons
)

// Of is the steps of one stage, in order.
func Of(stage Stage) []Step {
	var out []Step
	for _, s := range Steps {
		if s.Stage == stage {
			out = append(out, s)
		}
	}
	return out
}
