// Package config loads and validates parley.yaml, the one file that holds an organisation's settings.
package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/suggest"
)

// Config is the whole of parley.yaml. The zero value is not valid; start from Default.
type Config struct {
	// TimeZone is the organisation's IANA time zone: local dates, daily
	// rollups and hour-of-week heatmaps are bucketed in it.
	TimeZone string `yaml:"timezone"`
	// BusinessHours is the schedule of every queue not listed in Queues.
	// Empty Hours means open around the clock.
	BusinessHours Schedule `yaml:"business_hours"`
	// Queues holds per-queue settings, by queue name.
	Queues map[string]Queue `yaml:"queues"`
	// SLA holds the first-response target of each channel, by channel name.
	SLA map[string]SLA `yaml:"sla"`
	// Windows are the look-ahead periods of the time-based metrics.
	Windows Windows `yaml:"windows"`
	// Friction configures the friction score.
	Friction Friction `yaml:"friction"`
	// ReplyWindows is how long the business may take to answer a customer
	// on each channel before the channel restricts replies (WhatsApp,
	// Messenger: 24 h). Channels not listed have no window.
	ReplyWindows map[string]Duration `yaml:"reply_windows"`
	// Build bounds the resources DuckDB may use while `parley build` runs.
	// It changes how fast a build goes, never what it computes.
	Build Build `yaml:"build"`
	// Staffing holds workforce-planning settings (staffing.go); it never
	// changes what a build computes.
	Staffing Staffing `yaml:"staffing"`
	// QA holds the scorecards of quality reviews (see qa.go).
	QA QA `yaml:"qa"`
	// Dimensions are the event attributes that become conversation
	// columns, by column name (dimensions.go).
	Dimensions map[string]Dimension `yaml:"dimensions"`
	// ContactReasons are the rules that give a contact reason to
	// conversations without one in their attributes, in order (dimensions.go).
	ContactReasons []ContactReason `yaml:"contact_reasons"`
	// Cost holds the prices of conversations.cost (cost.go).
	Cost Cost `yaml:"cost"`
	// Lake says where the lake is, for the commands that take --lake and
	// find none on the command line; the flag wins when both are given. It
	// never changes what a build computes. Written either as the folder
	// alone (lake: /var/lib/parley/lake) or as a section with path and s3.
	Lake Lake `yaml:"lake,omitempty"`
	// Run holds the settings of `parley run` (run.go); its paths are also
	// where `parley serve` finds the warehouse, reports and packets.
	Run Run `yaml:"run,omitempty"`
	// Serve holds the settings of `parley serve` (run.go).
	Serve Serve `yaml:"serve,omitempty"`
}

// Lake is where the lake lives: a folder, or a bucket and prefix in
// S3-compatible object storage (docs/ingest.md, "The lake on object storage").
type Lake struct {
	// Path is a folder or s3://bucket/prefix; --lake overrides it.
	Path string `yaml:"path,omitempty"`
	// S3 says how to reach the bucket of an s3:// Path.
	S3 S3 `yaml:"s3,omitempty"`
}

// UnmarshalYAML reads the section, or a plain string as its Path: the
// "lake: FOLDER" form parley.yaml had before the s3 settings.
func (l *Lake) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*l = Lake{}
		return n.Decode(&l.Path)
	case yaml.MappingNode:
	default:
		// A TypeError, for the decoder to go on to the rest of the file (DecodeStrict).
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: lake: want a folder, s3://bucket/prefix, or a section with path and s3", n.Line)}}
	}
	type fields Lake // without the method, so the section decodes field by field
	return n.Decode((*fields)(l))
}

// MarshalYAML writes a lake with no s3 settings in the short form, as
// UnmarshalYAML reads it.
func (l Lake) MarshalYAML() (any, error) {
	if l.S3 == (S3{}) {
		return l.Path, nil
	}
	type fields Lake
	return fields(l), nil
}

// mappingIsFields tells the unknown-key check that Lake's section form
// holds exactly its fields, though Lake decodes itself.
func (Lake) mappingIsFields() {}

// S3 holds the connection settings of a lake in object storage; the
// credentials come from the standard AWS environment and files, never from
// parley.yaml.
type S3 struct {
	// Endpoint is an S3-compatible service (http(s)://host:port), reached
	// path-style; empty means AWS S3. --s3-endpoint overrides it.
	Endpoint string `yaml:"endpoint,omitempty"`
	// Region is the bucket's region; empty takes AWS_REGION or the AWS
	// config file's, else us-east-1. --s3-region overrides it.
	Region string `yaml:"region,omitempty"`
	// CAFile is a PEM file of certificate authorities to trust for an
	// https endpoint. --s3-ca overrides it.
	CAFile string `yaml:"ca_file,omitempty"`
}

// Build holds the DuckDB resource settings of `parley build`.
type Build struct {
	// MemoryLimit caps DuckDB's memory ("4GiB", "512MB"); past it, DuckDB
	// spills to TempDir. Empty means DuckDB's default, 80 % of the machine's RAM.
	MemoryLimit string `yaml:"memory_limit"`
	// TempDir is where DuckDB spills; empty means next to the warehouse
	// file being built (FILE.building.tmp).
	TempDir string `yaml:"temp_dir"`
	// Threads is how many DuckDB worker threads the build uses; 0 means one per core.
	Threads int `yaml:"threads"`
}

// memoryLimitRE matches the byte sizes DuckDB's memory_limit accepts.
var memoryLimitRE = regexp.MustCompile(`^(?i)([0-9]+(?:\.[0-9]+)?)\s*(b|bytes|kb|mb|gb|tb|kib|mib|gib|tib)$`)

// byteUnits are memoryLimitRE's units as DuckDB reads them: KB, MB, … are
// powers of 1000, KiB, MiB, … powers of 1024.
var byteUnits = map[string]float64{
	"b": 1, "bytes": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// MemoryLimitBytes is MemoryLimit in bytes, and false when it is not set.
// It must only be called on a validated Config.
func (b Build) MemoryLimitBytes() (int64, bool) {
	m := memoryLimitRE.FindStringSubmatch(strings.TrimSpace(b.MemoryLimit))
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	return int64(n * byteUnits[strings.ToLower(m[2])]), true
}

// DSN is the DuckDB data source name of the warehouse file path opened
// with these settings: the path plus the DuckDB options that are set.
// It must only be called on a validated Config.
func (b Build) DSN(path string) string {
	opts := url.Values{}
	if b.MemoryLimit != "" {
		opts.Set("memory_limit", b.MemoryLimit)
	}
	if b.TempDir != "" {
		opts.Set("temp_directory", b.TempDir)
	}
	if b.Threads > 0 {
		opts.Set("threads", strconv.Itoa(b.Threads))
	}
	if len(opts) == 0 {
		return path
	}
	return path + "?" + opts.Encode()
}

// MinMemoryLimit is the smallest build.memory_limit accepted, 128 MiB:
// with DuckDB 1.4.3 a full build of a lake of a few thousand events ran out
// of memory at 112 MB and passed at 120 MB, whatever the number of threads
// (1 to 8), so less cannot build any lake. Larger lakes need more; the
// build splits its work into passes to stay within the limit.
const MinMemoryLimit = 128 << 20

func (b Build) validate() []error {
	var errs []error
	if b.MemoryLimit != "" && !memoryLimitRE.MatchString(strings.TrimSpace(b.MemoryLimit)) {
		errs = append(errs, fielderr.New("build.memory_limit", "%q is not a size like \"4GiB\" or \"512MB\"", b.MemoryLimit))
	} else if n, ok := b.MemoryLimitBytes(); ok && n < MinMemoryLimit {
		errs = append(errs, fielderr.New("build.memory_limit", "%q is below the minimum a build needs, 128MiB (DuckDB runs out of memory below it even on a small lake)", b.MemoryLimit))
	}
	if b.Threads < 0 {
		errs = append(errs, fielderr.New("build.threads", "must be >= 0 (0 means one per core), got %d", b.Threads))
	}
	if strings.ContainsAny(b.TempDir, "?#") {
		errs = append(errs, fielderr.New("build.temp_dir", "%q must not contain '?' or '#'", b.TempDir))
	}
	return errs
}

// Fingerprint identifies the settings that decide what a build computes
// (everything but Build, Staffing, the QA scorecards, Lake, Run and Serve; qa.auto counts), so a warehouse built with other settings is
// rebuilt in full rather than updated. It must only be called on a validated Config.
func (c *Config) Fingerprint() string {
	sum := sha256.Sum256([]byte(c.SemanticYAML()))
	return hex.EncodeToString(sum[:])
}

// SemanticYAML is the YAML of the settings that decide what a build
// computes (everything but Build, Staffing, the QA scorecards, Lake, Run and Serve;
// qa.auto counts, as it shapes auto_qa): what Fingerprint hashes, and what a
// warehouse records so that the next build can say which settings changed.
func (c *Config) SemanticYAML() string {
	semantic := *c
	semantic.Build = Build{}
	semantic.Staffing = Staffing{}
	// Reviews store the scale and weight of every rating, so a changed
	// scorecard re-scores nothing the build computes.
	semantic.QA = QA{Auto: c.QA.Auto}
	// Where things are and how the long-running commands run change no figure.
	semantic.Lake, semantic.Run, semantic.Serve = Lake{}, Run{}, Serve{}
	return string(c.marshal(&semantic))
}

// YAML is the whole configuration as parley.yaml text that Load reads back.
func (c *Config) YAML() []byte {
	return c.marshal(c)
}

func (c *Config) marshal(v *Config) []byte {
	raw, err := yaml.Marshal(v)
	if err != nil {
		// Every field marshals; a failure is a programming error.
		panic(fmt.Sprintf("config: marshal: %v", err))
	}
	return raw
}

// Queue is the settings of one queue.
type Queue struct {
	Hours Schedule `yaml:"hours"`
}

// Schedule is a weekly opening schedule in an IANA time zone.
type Schedule struct {
	// TimeZone of the wall-clock times below; empty means the org time zone.
	TimeZone string `yaml:"timezone"`
	// Weekly maps a weekday (mon..sun) to its opening intervals, each
	// "HH:MM-HH:MM". An interval whose end is not after its start crosses
	// midnight and closes on the next day ("22:00-06:00"); "24:00" ends a day.
	Weekly map[string][]string `yaml:"weekly"`
	// Holidays are local dates (YYYY-MM-DD) on which no interval opens.
	Holidays []string `yaml:"holidays"`
}

// SLA is a first-response target: Goal of first responses within FirstResponse.
type SLA struct {
	FirstResponse Duration `yaml:"first_response"`
	// Goal is the share (0..1] of conversations that should meet the target;
	// DefaultGoal when the file leaves it out.
	Goal float64 `yaml:"goal"`
}

// DefaultGoal is the goal of an SLA (sla.<channel>, a staffing target) that
// does not give one: 80 % of conversations within the target.
const DefaultGoal = 0.8

// UnmarshalYAML reads an SLA whose omitted goal is DefaultGoal, as
// docs/config.md documents (a map entry is otherwise decoded from zero, and
// an entry without a goal was refused as "got 0").
func (s *SLA) UnmarshalYAML(n *yaml.Node) error {
	type fields SLA // without the method, so the mapping decodes field by field
	f := fields{Goal: DefaultGoal}
	if err := n.Decode(&f); err != nil {
		return err
	}
	*s = SLA(f)
	return nil
}

// mappingIsFields tells the unknown-key check that SLA's mapping holds
// exactly its fields, though SLA decodes itself.
func (SLA) mappingIsFields() {}

// Windows are the time windows of the metric definitions (see docs/metrics.md).
type Windows struct {
	// RepeatContact: a new conversation by the same customer within it after a resolution is a repeat contact.
	RepeatContact Duration `yaml:"repeat_contact"`
	// EscalationEffective: an escalation resolved within it is effective.
	EscalationEffective Duration `yaml:"escalation_effective"`
	// Reopen: a reopen within it after the resolution makes an escalation ineffective.
	Reopen Duration `yaml:"reopen"`
	// IdleComplete: a conversation idle this long before the data's last event is complete.
	IdleComplete Duration `yaml:"idle_complete"`
}

// Friction holds the weights of the four friction components.
type Friction struct {
	Weights FrictionWeights `yaml:"weights"`
}

// FrictionWeights weigh the friction components; they need not sum to 1.
type FrictionWeights struct {
	Time       float64 `yaml:"time"`
	Impersonal float64 `yaml:"impersonal"`
	Directness float64 `yaml:"directness"`
	Effort     float64 `yaml:"effort"`
}

// Duration is a time.Duration written in YAML as "90s", "15m", "24h" or "7d".
type Duration time.Duration

// UnmarshalYAML accepts Go duration strings plus a whole-day suffix "d".
// Its errors are TypeErrors, for the decoder to go on to the rest of the
// file and report every mistake at once (DecodeStrict).
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: duration must be a string: %s", n.Line, durationForm)}}
	}
	v, err := ParseDuration(s)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration the way UnmarshalYAML reads it.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Seconds is the duration in seconds.
func (d Duration) Seconds() float64 { return time.Duration(d).Seconds() }

// ParseDuration parses a Go duration or a whole number of days ("7d").
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q: %s", s, durationForm)
		}
		const maxDays = int(math.MaxInt64 / int64(24*time.Hour))
		if n > maxDays || n < -maxDays {
			return 0, fmt.Errorf("duration %q is too large (at most %dd)", s, maxDays)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: %s", s, durationForm)
	}
	return v, nil
}

// durationForm says what ParseDuration accepts, for its errors: a bare
// number ("60") has no unit to read it in.
const durationForm = "want a number with its unit, such as 60s, 1m, 1h30m or 7d"

// Default is the configuration used when no parley.yaml is given.
func Default() *Config {
	return &Config{
		TimeZone: "UTC",
		SLA: map[string]SLA{
			"webchat":   {FirstResponse: Duration(time.Minute), Goal: DefaultGoal},
			"in_app":    {FirstResponse: Duration(time.Minute), Goal: DefaultGoal},
			"sms":       {FirstResponse: Duration(15 * time.Minute), Goal: DefaultGoal},
			"whatsapp":  {FirstResponse: Duration(15 * time.Minute), Goal: DefaultGoal},
			"messenger": {FirstResponse: Duration(15 * time.Minute), Goal: DefaultGoal},
			"line":      {FirstResponse: Duration(15 * time.Minute), Goal: DefaultGoal},
			"email":     {FirstResponse: Duration(24 * time.Hour), Goal: DefaultGoal},
		},
		Windows: Windows{
			RepeatContact:       Duration(7 * 24 * time.Hour),
			EscalationEffective: Duration(24 * time.Hour),
			Reopen:              Duration(7 * 24 * time.Hour),
			IdleComplete:        Duration(24 * time.Hour),
		},
		Friction: Friction{Weights: FrictionWeights{Time: 0.35, Impersonal: 0.2, Directness: 0.25, Effort: 0.2}},
		ReplyWindows: map[string]Duration{
			"whatsapp":  Duration(24 * time.Hour),
			"messenger": Duration(24 * time.Hour),
		},
		Dimensions:     DefaultDimensions(),
		ContactReasons: DefaultContactReasons(),
	}
}

// Load reads path over the defaults and validates the result. An empty
// path returns the defaults. Unknown keys are errors, so typos surface, and
// so is a second YAML document after "---". Maps in the file (sla,
// reply_windows, queues, dimensions) replace the defaults' maps key by key:
// listing one channel keeps the defaults of the others, and an empty or null
// map keeps them all. The list contact_reasons replaces the default rules
// whole; left empty (null) it keeps them, written [] it has none.
func Load(path string) (*Config, error) {
	if path == "" {
		return Default(), nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	return Parse(path, raw)
}

// Parse reads raw, parley.yaml text from the source name (for messages),
// over the defaults and validates the result, as Load does with a file.
func Parse(name string, raw []byte) (*Config, error) {
	cfg := Default()
	path := name
	place, decoded := DecodeStrict(raw, cfg)
	if place == nil {
		return nil, fmt.Errorf("config: %w", ValidateDecoded(path, place, decoded, nil))
	}
	// "sla:" with no value decodes to a nil map; it means "nothing to
	// change", as an empty map does, not "no targets at all".
	def := Default()
	if cfg.SLA == nil {
		cfg.SLA = def.SLA
	}
	if cfg.ReplyWindows == nil {
		cfg.ReplyWindows = def.ReplyWindows
	}
	if cfg.Dimensions == nil {
		cfg.Dimensions = def.Dimensions
	}
	if cfg.ContactReasons == nil {
		// "contact_reasons:" with no value keeps the default rules; [] has none.
		cfg.ContactReasons = def.ContactReasons
	}
	if err := ValidateDecoded(path, place, decoded, cfg.Validate); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

// Weekdays are the keys of Schedule.Weekly, Monday first.
var Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// OrDefault is c, or the defaults when c is nil, checked with Validate:
// what a stage runs with when its caller may pass no settings.
func OrDefault(c *Config) (*Config, error) {
	if c == nil {
		c = Default()
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Validate checks the configuration without changing it and returns every
// problem found, each naming its field.
func (c *Config) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, fielderr.New(field, format, args...))
	}
	if err := checkTimeZone(c.TimeZone); err != nil {
		add("timezone", "%v", err)
	}
	errs = append(errs, c.BusinessHours.validate("business_hours")...)
	if e := c.Lake.S3.Endpoint; e != "" && !strings.HasPrefix(e, "http://") && !strings.HasPrefix(e, "https://") {
		add("lake.s3.endpoint", "%q: want http://host:port or https://host:port", e)
	}
	if p := c.Lake.Path; strings.HasPrefix(p, "s3:") && !strings.HasPrefix(p, "s3://") {
		add("lake.path", "%q: a bucket is written s3://bucket/prefix", p)
	}
	for _, name := range slices.Sorted(maps.Keys(c.Queues)) {
		if name == "" {
			add("queues", "queue name must not be empty")
		}
		errs = append(errs, c.Queues[name].Hours.validate("queues."+name+".hours")...)
	}
	for _, ch := range slices.Sorted(maps.Keys(c.SLA)) {
		if err := checkChannel("sla."+ch, ch, "this target would apply to nothing (the channel meant keeps its default)"); err != nil {
			errs = append(errs, err)
		}
		s := c.SLA[ch]
		if s.FirstResponse <= 0 {
			add("sla."+ch+".first_response", "required: a duration > 0, such as 60s, 15m or 24h")
		}
		if !(s.Goal > 0 && s.Goal <= 1) {
			add("sla."+ch+".goal", "must be in (0, 1], got %g", s.Goal)
		}
	}
	for _, w := range []struct {
		field string
		d     Duration
	}{
		{"windows.repeat_contact", c.Windows.RepeatContact},
		{"windows.escalation_effective", c.Windows.EscalationEffective},
		{"windows.reopen", c.Windows.Reopen},
		{"windows.idle_complete", c.Windows.IdleComplete},
	} {
		if w.d <= 0 {
			add(w.field, "must be > 0")
		}
	}
	fw := c.Friction.Weights
	for _, w := range []struct {
		field string
		v     float64
	}{
		{"friction.weights.time", fw.Time},
		{"friction.weights.impersonal", fw.Impersonal},
		{"friction.weights.directness", fw.Directness},
		{"friction.weights.effort", fw.Effort},
	} {
		if !(w.v >= 0) || math.IsInf(w.v, 1) { // NaN fails every comparison, so test for what is valid
			add(w.field, "must be a finite number >= 0, got %g", w.v)
		}
	}
	if fw.Time+fw.Impersonal+fw.Directness+fw.Effort <= 0 {
		add("friction.weights", "at least one weight must be > 0")
	}
	for _, ch := range slices.Sorted(maps.Keys(c.ReplyWindows)) {
		if err := checkChannel("reply_windows."+ch, ch, "this window would apply to nothing (the channel meant keeps its default)"); err != nil {
			errs = append(errs, err)
		}
		if c.ReplyWindows[ch] <= 0 {
			add("reply_windows."+ch, "must be > 0")
		}
	}
	errs = append(errs, c.Build.validate()...)
	errs = append(errs, c.Staffing.validate()...)
	errs = append(errs, c.QA.validate()...)
	errs = append(errs, validateDimensions(c.Dimensions)...)
	errs = append(errs, validateContactReasons(c.ContactReasons)...)
	errs = append(errs, c.Cost.validate()...)
	errs = append(errs, c.Run.validate()...)
	errs = append(errs, c.Serve.validate()...)
	return errors.Join(errs...)
}

// notZones are names time.LoadLocation accepts that are not time zones a
// warehouse can be built in: each machine reads them differently, and
// DuckDB does not know them.
var notZones = map[string]string{
	"Local":      "the zone of whichever machine runs parley, not a fixed one",
	"localtime":  "the zone of whichever machine runs parley, not a fixed one",
	"posixrules": "a file of the zoneinfo database (its DST rules), not a time zone",
}

// checkTimeZone accepts an IANA time zone name such as "Europe/London" or "UTC".
func checkTimeZone(name string) error {
	if why, ok := notZones[name]; ok {
		return fmt.Errorf("%q is %s; name the IANA time zone, such as \"Europe/London\" or \"UTC\"", name, why)
	}
	if _, err := time.LoadLocation(name); err != nil || name == "" {
		hint := " (such as \"Europe/London\" or \"UTC\")"
		// An empty name is a prefix of every zone: no suggestion then.
		if near := suggest.Among(name, zoneNames()); name != "" && len(near) > 0 {
			hint = "; did you mean " + strings.Join(near[:min(len(near), 3)], " or ") + "?"
		}
		return fmt.Errorf("%q is not an IANA time zone%s", name, hint)
	}
	return nil
}

// zoneNames lists the time zones of the machine's zoneinfo database (the
// folders Go's time package reads), for suggestions only: none when the
// machine has none, since the copy linked into parley (time/tzdata) cannot
// be listed; a folder that cannot be read is skipped for the same reason.
func zoneNames() []string {
	for _, root := range []string{os.Getenv("ZONEINFO"), "/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"} {
		if root == "" {
			continue
		}
		var names []string
		//nolint:errcheck // the walk's errors only leave names out of a suggestion
		fs.WalkDir(os.DirFS(root), ".", func(p string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				return nil
			case d.IsDir() && (p == "posix" || p == "right"):
				return fs.SkipDir // copies of the zones under other rules
			case !d.IsDir() && p[0] >= 'A' && p[0] <= 'Z' && !strings.Contains(p, "."):
				names = append(names, p) // zone files; the database's own files are lower-case or have a dot
			}
			return nil
		})
		if len(names) > 0 {
			return names
		}
	}
	return nil
}

// checkChannel refuses ch, a channel name field is keyed by, when no event
// can carry it (the contract's channels and "unknown", the channel of
// conversations without one): the setting would apply to nothing, so a
// misspelling would pass unnoticed while the channel meant kept its default.
// what says what the setting would then do ("this fee would charge
// nothing"). The error names the near miss and the channels.
func checkChannel(field, ch, what string) error {
	if slices.Contains(Channels, ch) {
		return nil
	}
	hint := ""
	// An empty name is near every short name: no suggestion then.
	if near := suggest.Among(ch, Channels); ch != "" && len(near) > 0 {
		hint = "did you mean " + strings.Join(near, " or ") + "? "
	}
	return fielderr.New(field, "no event has channel %q, so %s; %sthe channels: %s",
		ch, what, hint, strings.Join(Channels, ", "))
}

// Channels are the channel names a conversation can have in the warehouse:
// those of the event contract and "unknown".
var Channels = func() []string {
	var out []string
	for _, ch := range event.Channels {
		out = append(out, string(ch))
	}
	return append(out, "unknown")
}()

func (s Schedule) validate(field string) []error {
	var errs []error
	if s.TimeZone != "" {
		if err := checkTimeZone(s.TimeZone); err != nil {
			errs = append(errs, fielderr.New(field+".timezone", "%w", err))
		}
	}
	for _, day := range slices.Sorted(maps.Keys(s.Weekly)) {
		if !slices.Contains(Weekdays, day) {
			errs = append(errs, fielderr.New(field+".weekly."+day, "not a weekday (want one of %s)", strings.Join(Weekdays, ", ")))
			continue
		}
		for i, span := range s.Weekly[day] {
			if _, _, err := ParseSpan(span); err != nil {
				errs = append(errs, fielderr.New(fmt.Sprintf("%s.weekly.%s[%d]", field, day, i), "%w", err))
			}
		}
	}
	// An empty weekly means open around the clock; weekdays listed with no
	// interval at all would mean never open, so every conversation would
	// meet its SLA with a business-hours response time of 0.
	if len(s.Weekly) > 0 && !slices.ContainsFunc(slices.Collect(maps.Values(s.Weekly)), func(spans []string) bool { return len(spans) > 0 }) {
		errs = append(errs, fielderr.New(field+".weekly", "lists days but no opening interval, so it is never open; give each open day its intervals (\"09:00-17:00\"), or leave weekly out (or {}) for 24/7"))
	}
	for i, h := range s.Holidays {
		if _, err := time.Parse(time.DateOnly, h); err != nil {
			errs = append(errs, fielderr.New(fmt.Sprintf("%s.holidays[%d]", field, i), "%q is not a YYYY-MM-DD date", h))
		}
	}
	return errs
}

// ParseSpan parses "HH:MM-HH:MM" into minutes after midnight. An end that
// is not after the start means the span closes on the next day.
func ParseSpan(s string) (start, end int, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not HH:MM-HH:MM; %s", s, spanForm(s))
	}
	if start, err = parseClock(strings.TrimSpace(a)); err != nil || start == 24*60 {
		return 0, 0, fmt.Errorf("%q: bad start time %q; %s", s, a, spanForm(s))
	}
	if end, err = parseClock(strings.TrimSpace(b)); err != nil {
		return 0, 0, fmt.Errorf("%q: bad end time %q; %s", s, b, spanForm(s))
	}
	if start == end {
		return 0, 0, fmt.Errorf("%q: empty span (use 00:00-24:00 for a whole day)", s)
	}
	return start, end, nil
}

// spanForm says how a span is written, with the span s probably meant
// when its times lack only the zeros of HH:MM ("8-18" is 08:00-18:00).
func spanForm(s string) string {
	const form = "write HH:MM-HH:MM, such as \"09:00-17:30\" (24:00 ends a day; \"22:00-06:00\" crosses midnight)"
	a, b, _ := strings.Cut(s, "-")
	pa, okA := padClock(a)
	pb, okB := padClock(b)
	if okA && okB && pa != pb && pa+"-"+pb != s {
		start, errA := parseClock(pa)
		_, errB := parseClock(pb)
		if errA == nil && errB == nil && start != 24*60 {
			return fmt.Sprintf("did you mean \"%s-%s\"? %s", pa, pb, form)
		}
	}
	return form
}

// padClock writes an hour ("8") or H:MM ("8:30") as HH:MM.
func padClock(s string) (string, bool) {
	h, m, hasMin := strings.Cut(strings.TrimSpace(s), ":")
	if !hasMin {
		m = "00"
	}
	hh, err1 := strconv.Atoi(h)
	_, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || len(h) > 2 || len(m) != 2 {
		return "", false
	}
	return fmt.Sprintf("%02d:%s", hh, m), true
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("not HH:MM")
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("not HH:MM")
	}
	return hh*60 + mm, nil
}

// Location is the organisation's time zone. It must only be called on a validated Config.
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.TimeZone)
	if err != nil {
		panic(fmt.Sprintf("config: Location called on unvalidated config: %v", err))
	}
	return loc
}

// ScheduleFor is the business-hours schedule of queue: its own if the
// queue is configured, else business_hours.
func (c *Config) ScheduleFor(queue string) Schedule {
	if q, ok := c.Queues[queue]; ok {
		return q.Hours
	}
	return c.BusinessHours
}

// Change is one setting that differs between two configurations.
type Change struct {
	// Setting is the setting's path in parley.yaml, such as "timezone" or
	// "sla.webchat.first_response".
	Setting string
	// Old and New are its values as YAML; "" where it is not set.
	Old, New string
}

// String is "<setting>: <old> -> <new>: <effect>".
func (ch Change) String() string {
	return fmt.Sprintf("%s: %s -> %s: %s", ch.Setting, orUnset(ch.Old), orUnset(ch.New), ch.Effect())
}

// Effect says what the change does to a build: which metrics move.
func (ch Change) Effect() string {
	top := ch.Setting
	if i := strings.IndexAny(top, ".["); i >= 0 {
		top = top[:i]
	}
	switch top {
	case "timezone":
		return fmt.Sprintf("local dates, daily rollups and hour-of-week heatmaps are counted in %s instead of %s", orUnset(ch.New), orUnset(ch.Old))
	case "business_hours", "queues":
		return "business-hours clocks change: SLA and after-hours figures move"
	case "sla":
		return "first-response SLA attainment is measured against other targets"
	case "windows":
		return "repeat contacts, escalation effectiveness, reopens or completeness are judged over other windows"
	case "friction":
		return "friction scores change"
	case "reply_windows":
		return "reply-window breaches change"
	case "dimensions":
		return "contact_reason, market, tier and the dimensions map are read from other event attributes"
	case "contact_reasons":
		return "conversations without a contact_reason attribute are classified by other rules"
	case "cost":
		return "conversations.cost is computed with other prices"
	case "qa":
		return "the automatic QA checks (auto_qa) run with other settings"
	}
	return "the metrics are computed differently"
}

func orUnset(v string) string {
	if v == "" {
		return "(not set)"
	}
	return v
}

// ChangesFrom lists, in order, the settings that decide what a build
// computes and that differ between the configuration whose SemanticYAML is
// prev (what a warehouse recorded) and c.
func (c *Config) ChangesFrom(prev string) ([]Change, error) {
	var before, after any
	if err := yaml.Unmarshal([]byte(prev), &before); err != nil {
		return nil, fmt.Errorf("config: read recorded settings: %w", err)
	}
	if err := yaml.Unmarshal([]byte(c.SemanticYAML()), &after); err != nil {
		return nil, fmt.Errorf("config: read settings: %w", err)
	}
	old, cur := map[string]string{}, map[string]string{}
	flatten("", before, old)
	flatten("", after, cur)
	keys := map[string]bool{}
	for k := range old {
		keys[k] = true
	}
	for k := range cur {
		keys[k] = true
	}
	var out []Change
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if old[k] != cur[k] {
			out = append(out, Change{Setting: k, Old: old[k], New: cur[k]})
		}
	}
	return out, nil
}

// BuildChanges lists, in order, the settings among those named (each with
// the settings under it: "timezone", "cost") whose value in c differs from
// the one a warehouse was built with: its time zone tz and its recorded
// settings built (SemanticYAML; "" when it records none, and then only the
// time zone is compared). The build computes with them, so a command that
// only reads the warehouse (report, forecast) shows the warehouse's and
// warns of these, naming each, rather than ignoring --config silently. An
// error (built does not parse) comes with the time zone's change, if any.
func (c *Config) BuildChanges(tz, built string, settings ...string) ([]Change, error) {
	var out []Change
	if slices.Contains(settings, "timezone") && c.TimeZone != tz {
		out = append(out, Change{Setting: "timezone", Old: tz, New: c.TimeZone})
	}
	if built == "" {
		return out, nil
	}
	all, err := c.ChangesFrom(built)
	for _, ch := range all {
		if ch.Setting == "timezone" {
			continue // compared with tz, what the warehouse's local times are in
		}
		if slices.ContainsFunc(settings, func(s string) bool {
			return ch.Setting == s || strings.HasPrefix(ch.Setting, s+".") || strings.HasPrefix(ch.Setting, s+"[")
		}) {
			out = append(out, ch)
		}
	}
	return out, err
}

// flatten records every leaf of the YAML value v under its dotted path; the
// list contact_reasons has its rules as path[i] (a changed rule is named by
// its place), any other list is one leaf (qa.auto.checks: the checks change
// together). Empty values are left out, so a map or list the file leaves
// empty equals one it does not mention.
func flatten(path string, v any, into map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, sub := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			flatten(p, sub, into)
		}
	case nil:
	case []any:
		if len(v) == 0 {
			return
		}
		if _, ok := v[0].(map[string]any); ok && path == "contact_reasons" {
			for i, item := range v {
				flatten(fmt.Sprintf("%s[%d]", path, i), item, into)
			}
			return
		}
		into[path] = fmt.Sprint(v)
	default:
		if s := fmt.Sprint(v); s != "" {
			into[path] = s
		}
	}
}
