package plan_test

import (
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parley-cx/parley/build/plan"
	"github.com/parley-cx/parley/internal/config"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// number is the leading number of a build file's name ("210_messages.sql": 210).
func number(t *testing.T, file string) int {
	t.Helper()
	prefix, _, ok := strings.Cut(file, "_")
	n, err := strconv.Atoi(prefix)
	if !ok || err != nil {
		t.Fatalf("%s: the name does not start with its number and _", file)
	}
	return n
}

// TestPlanCoversEveryFileInOrder: every numbered file of sql/build is a
// step, every step a file, and the steps run in the files' numeric order,
// the transform's before the metrics'. A new file left out of the plan, or
// put in the wrong place, fails here.
func TestPlanCoversEveryFileInOrder(t *testing.T) {
	entries, err := fs.ReadDir(sqlfiles.FS, "build")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && path.Ext(e.Name()) == ".sql" {
			files = append(files, e.Name())
		}
	}
	var planned []string
	for _, s := range plan.Steps {
		planned = append(planned, s.File)
	}
	for _, f := range files {
		if !slices.Contains(planned, f) {
			t.Errorf("sql/build/%s is not in the build plan (build/plan.Steps): it would never run", f)
		}
	}
	for _, f := range planned {
		if !slices.Contains(files, f) {
			t.Errorf("the build plan names %s, which is not in sql/build", f)
		}
	}
	for i := 1; i < len(plan.Steps); i++ {
		prev, cur := plan.Steps[i-1], plan.Steps[i]
		if number(t, prev.File) >= number(t, cur.File) {
			t.Errorf("the plan runs %s after %s: the steps must be in the files' numeric order", cur.File, prev.File)
		}
		if prev.Stage > cur.Stage {
			t.Errorf("the plan runs %s (stage %d) after %s (stage %d): the transform's steps come first", cur.File, cur.Stage, prev.File, prev.Stage)
		}
	}
}

// TestPlanShape checks what the stages rely on: the per-conversation steps
// are the metrics', consecutive (they run as one group, per chunk or over
// the affected conversations), and every scope a step names exists in each
// mode it can run in.
func TestPlanShape(t *testing.T) {
	first, last := -1, -1
	for i, s := range plan.Steps {
		if s.PerConversation {
			if s.Stage != plan.Metrics {
				t.Errorf("%s: only metric steps can be per conversation", s.File)
			}
			if first < 0 {
				first = i
			}
			last = i
		}
		if s.Scope == "" {
			continue
		}
		modes := []string{"all", "affected"}
		if s.PerConversation {
			modes = append(modes, "chunk")
		}
		for _, mode := range modes {
			name := "build/stmt/scope_" + mode + "_" + s.Scope + ".sql"
			if _, err := fs.Stat(sqlfiles.FS, name); err != nil {
				t.Errorf("%s: scope %q: %v", s.File, s.Scope, err)
			}
		}
	}
	if first < 0 {
		t.Fatal("no per-conversation step")
	}
	for _, s := range plan.Steps[first : last+1] {
		if !s.PerConversation {
			t.Errorf("%s runs between per-conversation steps but is not one: the group must be consecutive", s.File)
		}
	}
}

var (
	comment   = regexp.MustCompile(`--[^\n]*`)
	parameter = regexp.MustCompile(`\$([A-Za-z_0-9]+)`)
)

// TestPlanParamsAreTheFilesNamedParameters: a step's Params are exactly the
// $name parameters its file uses, none positional, and Params gives each a
// value.
func TestPlanParamsAreTheFilesNamedParameters(t *testing.T) {
	values := plan.Params(config.Default())
	for _, s := range plan.Steps {
		text := comment.ReplaceAllString(sqlfiles.File(s.Path()), "")
		var used []string
		for _, m := range parameter.FindAllStringSubmatch(text, -1) {
			if _, err := strconv.Atoi(m[1]); err == nil {
				t.Errorf("%s: positional parameter $%s: name it, and list it in the plan", s.File, m[1])
				continue
			}
			if !slices.Contains(used, m[1]) {
				used = append(used, m[1])
			}
		}
		slices.Sort(used)
		want := slices.Sorted(slices.Values(s.Params))
		if !slices.Equal(used, want) {
			t.Errorf("%s uses parameters %v, the plan binds %v", s.File, used, want)
		}
		for _, name := range s.Params {
			if _, ok := values[name]; !ok {
				t.Errorf("%s: parameter $%s has no value in plan.Params", s.File, name)
			}
		}
	}
}

var (
	// created captures the object a CREATE statement makes.
	created = regexp.MustCompile(`(?i)\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW|MACRO)\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z_0-9]*)`)
	// written captures the object a statement creates, fills, changes or drops.
	written = regexp.MustCompile(`(?i)\b(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP(?:ORARY)?\s+)?(?:TABLE|VIEW|MACRO)\s+(?:IF\s+NOT\s+EXISTS\s+)?|INSERT\s+(?:OR\s+[A-Za-z]+\s+)?INTO\s+|DELETE\s+FROM\s+|UPDATE\s+|ALTER\s+TABLE\s+|DROP\s+(?:TABLE|VIEW|MACRO)\s+(?:IF\s+EXISTS\s+)?)([A-Za-z_][A-Za-z_0-9]*)`)
)

// objects is the first group of re's matches in file, comments left out.
func objects(re *regexp.Regexp, file string) []string {
	var out []string
	for _, m := range re.FindAllStringSubmatch(comment.ReplaceAllString(sqlfiles.File(file), ""), -1) {
		out = append(out, strings.ToLower(m[1]))
	}
	return out
}

// TestBesideStepsLeaveTheHooksTables: a hook that runs beside the steps
// after its own (Step.Beside) joins before a later step of its stage or at
// its end, and the steps it runs beside neither name what its step's file
// creates (the hook fills those) nor write anything created by a step up to
// its own (what the hook may read): on another connection, either would be
// a race or a DuckDB write-write conflict.
func TestBesideStepsLeaveTheHooksTables(t *testing.T) {
	besides := 0
	for i, s := range plan.Steps {
		if s.Beside == "" {
			continue
		}
		besides++
		if s.Then == plan.NoHook {
			t.Errorf("%s: Beside without a hook to run beside", s.File)
		}
		var readable []string // what the hook may read
		for _, before := range plan.Steps[:i+1] {
			readable = append(readable, objects(created, before.Path())...)
		}
		own := objects(created, s.Path())
		joined := s.Beside == plan.EndOfStage
		for _, after := range plan.Steps[i+1:] {
			if after.Stage != s.Stage || after.File == s.Beside {
				joined = true
				break
			}
			text := strings.ToLower(comment.ReplaceAllString(sqlfiles.File(after.Path()), ""))
			for _, name := range own {
				if regexp.MustCompile(`\b` + name + `\b`).MatchString(text) {
					t.Errorf("%s runs beside the hook of %s but names %s, which that hook fills", after.File, s.File, name)
				}
			}
			for _, name := range objects(written, after.Path()) {
				if slices.Contains(readable, name) {
					t.Errorf("%s runs beside the hook of %s but writes %s, which that hook may read", after.File, s.File, name)
				}
			}
		}
		if !joined {
			t.Errorf("%s: Beside %q is no later step of its stage", s.File, s.Beside)
		}
	}
	if besides == 0 {
		t.Error("no step runs its hook beside the next ones: this test checks nothing")
	}
}
