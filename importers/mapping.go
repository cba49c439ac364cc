package importers

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/parley-cx/parley/internal/event"
	"github.com/parley-cx/parley/internal/fielderr"
)

// Value says where one event field comes from: a fixed Value, or a Column
// of the CSV, optionally translated through Values (source value → contract
// value; unlisted source values pass through unchanged, or become Default
// when it is set). In YAML a bare string is shorthand for {column: ...}.
type Value struct {
	Column  string            `yaml:"column"`
	Value   string            `yaml:"value"`
	Values  map[string]string `yaml:"values"`
	Default string            `yaml:"default"`
}

// UnmarshalYAML accepts the bare-string shorthand for a column.
func (v *Value) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		v.Column = n.Value
		return nil
	}
	type plain Value // drops this method, so the call below does not recurse
	return n.Decode((*plain)(v))
}

func (v *Value) set() bool { return v != nil && (v.Column != "" || v.Value != "") }

// Timestamp says which column holds when the event happened and how to read it.
type Timestamp struct {
	Column string `yaml:"column"`
	// Format is a strftime pattern (%Y-%m-%d %H:%M:%S), a Go layout
	// (2006-01-02 15:04:05), or one of rfc3339 (the default), unix, unix_ms.
	Format string `yaml:"format"`
	// TimeZone is the IANA zone of timestamps that carry no offset; default UTC.
	TimeZone string `yaml:"time_zone"`
}

// Target maps the destination of assigned, escalated and transferred events.
type Target struct {
	Role  *Value `yaml:"role"`
	ID    *Value `yaml:"id"`
	Queue *Value `yaml:"queue"`
}

// Mapping describes how the rows of one CSV export become contract events:
// one event per row. Load it with LoadMapping or ParseMapping, which validate it.
type Mapping struct {
	// Delimiter separates fields; default ",". "\t" (or "tab") reads TSV.
	Delimiter string `yaml:"delimiter"`
	// EventID is the column of a stable unique id per row, if the export has
	// one; otherwise ids are derived from each row's bytes.
	EventID        *Value    `yaml:"event_id"`
	ConversationID *Value    `yaml:"conversation_id"`
	Timestamp      Timestamp `yaml:"timestamp"`
	Type           *Value    `yaml:"type"`
	Role           *Value    `yaml:"role"`
	ActorID        *Value    `yaml:"actor_id"`
	Text           *Value    `yaml:"text"`
	Channel        *Value    `yaml:"channel"`
	Queue          *Value    `yaml:"queue"`
	To             *Target   `yaml:"to"`
	CSAT           *Value    `yaml:"csat"`
	// Private and Automated set the message flags of message rows ("true" or
	// "false"): an internal note or an auto-reply in a row per message export
	// is told apart only by a column's value, and neither may stop the
	// first-response clock (docs/metrics.md).
	Private    *Value            `yaml:"private"`
	Automated  *Value            `yaml:"automated"`
	Attributes map[string]string `yaml:"attributes"` // attribute name → column
}

// LoadMapping reads and validates a mapping file.
func LoadMapping(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("importers: read mapping: %w", err)
	}
	m, err := ParseMapping(b)
	if err != nil {
		return nil, fmt.Errorf("importers: mapping %s: %w", path, err)
	}
	return m, nil
}

// ParseMapping decodes and validates a mapping; unknown keys are errors, so
// a misspelt field is never silently ignored.
func ParseMapping(b []byte) (*Mapping, error) {
	var m Mapping
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("decode YAML: %w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Validate checks the mapping and returns every problem, each naming its field.
func (m *Mapping) Validate() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fielderr.New(field, format, args...))
	}
	if _, err := m.delimiter(); err != nil {
		bad("delimiter", "%v", err)
	}
	check := func(field string, v *Value, required bool, allowed []string) {
		if !v.set() {
			if required {
				bad(field, "required (a column name, or {column: ..., values: {...}}, or {value: ...})")
			}
			return
		}
		if v.Column != "" && v.Value != "" {
			bad(field, "give column or value, not both")
		}
		if allowed == nil {
			return
		}
		if v.Value != "" && !slices.Contains(allowed, v.Value) {
			bad(field+".value", "%q is not one of %s", v.Value, strings.Join(allowed, ", "))
		}
		for src, to := range v.Values {
			if !slices.Contains(allowed, to) {
				bad(field+".values", "%q maps to %q, which is not one of %s", src, to, strings.Join(allowed, ", "))
			}
		}
		if v.Default != "" && !slices.Contains(allowed, v.Default) {
			bad(field+".default", "%q is not one of %s", v.Default, strings.Join(allowed, ", "))
		}
	}
	types := []string{Skip}
	for _, t := range event.Types {
		types = append(types, string(t))
	}
	roles := []string{event.RoleCustomer, event.RoleAgent, event.RoleBot, event.RoleSystem}
	channels := make([]string, len(event.Channels))
	for i, c := range event.Channels {
		channels[i] = string(c)
	}
	check("event_id", m.EventID, false, nil)
	check("conversation_id", m.ConversationID, true, nil)
	check("type", m.Type, true, types)
	check("role", m.Role, false, roles)
	check("actor_id", m.ActorID, false, nil)
	check("text", m.Text, false, nil)
	check("channel", m.Channel, false, channels)
	check("queue", m.Queue, false, nil)
	check("csat", m.CSAT, false, nil)
	flags := []string{"true", "false"}
	check("private", m.Private, false, flags)
	check("automated", m.Automated, false, flags)
	if m.To != nil {
		check("to.role", m.To.Role, true, []string{event.RoleAgent, event.RoleBot})
		check("to.id", m.To.ID, false, nil)
		check("to.queue", m.To.Queue, false, nil)
	}
	if m.Type.set() && m.mayBe(event.MessageSent) && !m.Role.set() {
		bad("role", "required when type can be %q (who sent the message)", event.MessageSent)
	}
	if m.Type.set() && m.To == nil && (m.mayBe(event.Assigned) || m.mayBe(event.Escalated) || m.mayBe(event.Transferred)) {
		bad("to", "required when type can be assigned, escalated or transferred (at least to.role)")
	}
	if m.Type.set() && m.mayBe(event.CSATAnswered) && !m.CSAT.set() {
		bad("csat", "required when type can be %q (the score column)", event.CSATAnswered)
	}
	for name, col := range m.Attributes {
		if name == "" || col == "" {
			bad("attributes", "entry %q: %q needs both a name and a column", name, col)
		}
	}
	if m.Timestamp.Column == "" {
		bad("timestamp.column", "required")
	}
	if _, err := newTimeParser(m.Timestamp.Format, m.Timestamp.TimeZone); err != nil {
		bad("timestamp", "%v", err)
	}
	return errors.Join(errs...)
}

// delimiter is the field separator Delimiter names.
func (m *Mapping) delimiter() (rune, error) {
	switch d := m.Delimiter; {
	case d == "":
		return ',', nil
	case d == `\t` || d == "tab" || d == "\t":
		return '\t', nil
	case utf8.RuneCountInString(d) == 1 && d != `"` && d != "\n" && d != "\r":
		r, _ := utf8.DecodeRuneInString(d)
		return r, nil
	}
	return 0, fmt.Errorf("want one character (or tab), got %q", m.Delimiter)
}

// mayBe reports whether some row could map to type t.
func (m *Mapping) mayBe(t event.Type) bool {
	v := m.Type
	if v.Value != "" {
		return v.Value == string(t)
	}
	// A column without a value list may hold any type.
	return len(v.Values) == 0 || v.Default == string(t) || slices.Contains(slices.Collect(maps.Values(v.Values)), string(t))
}

// Open reads the header, checks that every mapped column is in it, and
// returns a Reader that maps each following row to one event.
func (m *Mapping) Open(r io.Reader) (Reader, error) {
	// Validated again because a Mapping may be built in Go rather than loaded.
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("importers: mapping: %w", err)
	}
	comma, _ := m.delimiter()
	clock, _ := newTimeParser(m.Timestamp.Format, m.Timestamp.TimeZone)
	rr := newRowReader(r, comma)
	cols, names, err := rr.header()
	if err != nil {
		return nil, fmt.Errorf("importers: csv: %w", err)
	}
	c := &csvReader{m: m, clock: clock, rows: rr, header: names, ids: newRowID("csv-")}
	var (
		errs   []error
		mapped []string // the columns the mapping names
		found  bool     // one of them is in the header
	)
	index := func(field string, v *Value) column {
		if !v.set() {
			return column{}
		}
		if v.Value != "" {
			return column{v: v, i: -1}
		}
		mapped = append(mapped, v.Column)
		i, ok := cols[v.Column]
		found = found || ok
		if !ok {
			errs = append(errs, missingColumn(field+".column", v.Column, names))
		}
		return column{v: v, i: i}
	}
	c.eventID = index("event_id", m.EventID)
	c.conv = index("conversation_id", m.ConversationID)
	c.typ = index("type", m.Type)
	c.role = index("role", m.Role)
	c.actor = index("actor_id", m.ActorID)
	c.text = index("text", m.Text)
	c.channel = index("channel", m.Channel)
	c.queue = index("queue", m.Queue)
	c.csat = index("csat", m.CSAT)
	c.private = index("private", m.Private)
	c.automated = index("automated", m.Automated)
	c.at = index("timestamp", &Value{Column: m.Timestamp.Column})
	if m.To != nil {
		c.toRole = index("to.role", m.To.Role)
		c.toID = index("to.id", m.To.ID)
		c.toQueue = index("to.queue", m.To.Queue)
	}
	attrNames := make([]string, 0, len(m.Attributes))
	for name := range m.Attributes {
		attrNames = append(attrNames, name)
	}
	slices.Sort(attrNames)
	for _, name := range attrNames {
		c.attrs = append(c.attrs, attrColumn{name: name, col: index("attributes."+name, &Value{Column: m.Attributes[name]})})
	}
	if len(errs) > 0 && !found {
		if hint := delimiterHint(names, comma, mapped); hint != "" {
			errs = append([]error{errors.New(hint)}, errs...) // first: it is what to do
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("importers: csv: %w", err)
	}
	return c, nil
}

// delimiterHint says which delimiter the file seems to use when the header,
// read with comma, holds none of the mapped columns but its text split on
// another common delimiter holds them all: a tab-separated export read with
// the default "," is one long column, and listing it says nothing of why.
// "" when no other delimiter explains the header.
func delimiterHint(names []string, comma rune, mapped []string) string {
	line := strings.Join(names, string(comma))
	for _, d := range []struct {
		sep       rune
		name, set string
	}{
		{'\t', "tab", "set delimiter: tab in the mapping"},
		{';', "semicolon", `set delimiter: ";" in the mapping`},
		{',', "comma", "remove delimiter from the mapping (the default is \",\")"},
	} {
		if d.sep == comma {
			continue
		}
		fields := strings.Split(line, string(d.sep))
		for i, f := range fields {
			fields[i] = strings.TrimSpace(f)
		}
		if !slices.ContainsFunc(mapped, func(col string) bool { return !slices.Contains(fields, col) }) {
			return fmt.Sprintf("the file looks %s-separated: %s", d.name, d.set)
		}
	}
	return ""
}

// column is a mapped field resolved against the header: i is the column's
// index, or -1 for a fixed value; a zero column (v == nil) is unmapped.
type column struct {
	v *Value
	i int
}

// get resolves the field for one row. ok is false only when the row is too
// short to have the column.
func (c column) get(fields []string) (s string, ok bool) {
	if c.v == nil {
		return "", true
	}
	if c.i < 0 {
		return c.v.Value, true
	}
	raw, ok := lookup(fields, c.i)
	if !ok {
		return "", false
	}
	if to, hit := c.v.Values[raw]; hit {
		return to, true
	}
	if c.v.Default != "" {
		return c.v.Default, true
	}
	return raw, true
}

type attrColumn struct {
	name string
	col  column
}

type csvReader struct {
	m      *Mapping
	clock  timeParser
	rows   *rowReader
	header []string
	ids    *rowID

	eventID, conv, typ, role, actor, text, channel, queue, csat, at column
	toRole, toID, toQueue                                           column
	private, automated                                              column
	attrs                                                           []attrColumn
}

func (c *csvReader) Close() error { return nil }

func (c *csvReader) Next() (Record, error) {
	fields, line, raw, err := c.rows.next()
	if errors.Is(err, io.EOF) {
		return Record{}, io.EOF
	}
	rec := Record{Line: line, Raw: raw}
	if err != nil {
		if line == 0 {
			return rec, fmt.Errorf("importers: csv: %w", err)
		}
		rec.Err = invalid(ReasonMalformedRow, "", "%v", err)
		return rec, nil
	}
	rec.Event, rec.Skip, rec.Err = c.mapRow(fields, raw)
	return rec, nil
}

// mapRow builds the event of one row. Problems the contract's validation
// would catch anyway (an unknown type, say) are left to it, so that CSV and
// JSON imports reject the same things for the same reasons.
func (c *csvReader) mapRow(fields []string, raw []byte) (event.Event, bool, error) {
	var ev event.Event
	short := false
	get := func(col column) string {
		s, ok := col.get(fields)
		short = short || !ok
		return strings.TrimSpace(s)
	}
	typ := get(c.typ)
	if short {
		return ev, false, shortRow(fields, c.header)
	}
	if typ == Skip {
		return ev, true, nil
	}
	ev.Type = event.Type(typ)
	ev.ConversationID = get(c.conv)
	if id := get(c.eventID); id != "" {
		ev.EventID = id
	} else {
		ev.EventID = c.ids.next(raw)
	}
	ts := get(c.at)
	ev.Channel = event.Channel(get(c.channel))
	ev.Queue = get(c.queue)
	role, actorID := get(c.role), get(c.actor)
	if role != "" || actorID != "" {
		ev.Actor = &event.Actor{Role: role, ID: actorID}
	}
	if c.typ.v != nil && ev.Type == event.MessageSent {
		s, ok := c.text.get(fields) // text keeps its spaces
		short = short || !ok
		ev.Message = &event.Message{Text: s, Private: get(c.private) == "true", Automated: get(c.automated) == "true"}
	}
	if c.toRole.v != nil && (ev.Type == event.Assigned || ev.Type == event.Escalated || ev.Type == event.Transferred) {
		ev.To = &event.Target{Role: get(c.toRole), ID: get(c.toID), Queue: get(c.toQueue)}
	}
	var score string
	if ev.Type == event.CSATAnswered {
		score = get(c.csat)
	}
	for _, a := range c.attrs {
		if v := get(a.col); v != "" {
			if ev.Attributes == nil {
				ev.Attributes = make(map[string]string, len(c.attrs))
			}
			ev.Attributes[a.name] = v
		}
	}
	if short {
		return ev, false, shortRow(fields, c.header)
	}
	if ts == "" {
		return ev, false, invalid(event.ReasonMissingField, "occurred_at", "column %q is empty", c.m.Timestamp.Column)
	}
	at, err := c.clock.parse(ts)
	if err != nil {
		return ev, false, invalid(event.ReasonBadTimestamp, "occurred_at", "column %q: %v", c.m.Timestamp.Column, err)
	}
	ev.OccurredAt = at
	if ev.Type == event.CSATAnswered {
		n, err := strconv.Atoi(score)
		if err != nil {
			return ev, false, invalid(event.ReasonBadValue, "csat.score", "column %q: not a whole number: %q", c.m.CSAT.Column, score)
		}
		ev.CSAT = &event.CSAT{Score: n}
	}
	return ev, false, nil
}
