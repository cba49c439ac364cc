package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/parley-cx/parley/internal/fielderr"
	"github.com/parley-cx/parley/internal/suggest"
)

// DecodeStrict decodes raw, which must hold one YAML document, into v (a
// pointer to a struct, already holding its defaults) as parley.yaml is read,
// so that every YAML file of parley says its mistakes alike: each key no
// field takes is an error naming its line, key path and the near keys ("did
// you mean starts?"), all at once; a value of the wrong type names its key,
// line, what was written and what is wanted; a second document after "---"
// is refused rather than ignored. The returned place prefixes each field
// error (fielderr) of a later validation with the line its key is on, and
// drops those of the values the decoder refused: they are reported already,
// and the field holds no value of the file's to check.
//
// With place nil, err says why v could not be decoded (the file is no YAML,
// or holds two documents). With place and err both set, err lists the
// unknown keys and the values of the wrong type or form, and v holds the
// rest of the file: the caller validates it too and reports both
// (ValidateDecoded), so that one run names every mistake, not the keys or a
// bad duration first and the other values on the next run. A custom
// decoder (yaml.Unmarshaler) of a value says what is wrong with it as a
// *yaml.TypeError ("line N: ..."), as Duration does, for decoding to go on.
func DecodeStrict(raw []byte, v any) (place func(error) error, err error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	keyErr := unknownKeys(&doc, v)
	lines := newKeyLines(&doc)
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	// Each unknown key is reported above with its line and near miss; the
	// decoder's own strict mode would stop at the first.
	dec.KnownFields(keyErr == nil)
	var valueErr error
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			return nil, errors.Join(keyErr, lines.explainDecode(err))
		}
		// The decoder went on past the values it refused, but a section that
		// decodes itself (SLA) is left out whole for one refused value in it:
		// decoded again without the refused values, v holds every other one.
		valueErr = lines.explainDecode(err)
		lines.nullRefused()
		if err := doc.Decode(v); err != nil {
			// A refused value that could not be placed: what did decode is
			// not all the file says, so it is not validated.
			return nil, errors.Join(keyErr, valueErr)
		}
	}
	var second yaml.Node
	if err := dec.Decode(&second); !errors.Is(err, io.EOF) {
		// Read with one Decode, a second document would be ignored silently.
		return nil, fmt.Errorf("a second YAML document (after \"---\", line %d) is not allowed: the file holds one", second.Line)
	}
	return lines.withLines, errors.Join(keyErr, valueErr)
}

// ValidateDecoded is how a file read with DecodeStrict is checked: decoded
// is DecodeStrict's error (unknown keys and refused values, or why nothing
// could be decoded) and validate the validation of what was decoded, run
// only when something was. The error names every mistake, prefixed
// "parse NAME: " when keys or refused values are among them (as a file that
// cannot be read is), "NAME: " otherwise.
func ValidateDecoded(name string, place func(error) error, decoded error, validate func() error) error {
	if place == nil {
		return fmt.Errorf("parse %s: %w", name, decoded)
	}
	verr := place(validate())
	switch {
	case decoded != nil:
		return fmt.Errorf("parse %s: %w", name, errors.Join(decoded, verr))
	case verr != nil:
		return fmt.Errorf("%s: %w", name, verr)
	}
	return nil
}

// unknownKeys walks the YAML document against the shape of v (a pointer to
// a struct) and returns one error per key no field takes, each with its line
// and the nearest keys that section has: every mistyped key at once, where
// the decoder's own strict mode stops at the first and names Go types.
func unknownKeys(doc *yaml.Node, v any) error {
	var errs []error
	walkKeys(doc, reflect.TypeOf(v), "", &errs)
	return errors.Join(errs...)
}

func walkKeys(n *yaml.Node, t reflect.Type, path string, errs *[]error) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.DocumentNode {
		for _, c := range n.Content {
			walkKeys(c, t, path, errs)
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // a scalar where a section belongs is the decoder's type error
		}
		if reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) && !t.Implements(reflect.TypeFor[fieldsSection]()) {
			return // it reads its own mapping, with keys of its own
		}
		fields := map[string]reflect.Type{}
		var names []string
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			fields[name] = f.Type
			names = append(names, name)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			if key.Value == "<<" {
				continue // a YAML merge key: the keys it brings are checked where they are written
			}
			ft, ok := fields[key.Value]
			if !ok {
				section := "parley.yaml"
				if path != "" {
					section = path
				}
				// The near keys, else all of them: a key far from every
				// right one (business_hours for hours) still learns them.
				hint := suggest.Hint(key.Value, names)
				if hint == "" {
					hint = "; its keys: " + strings.Join(names, ", ")
				}
				*errs = append(*errs, fmt.Errorf("line %d: %s: unknown key in %s%s", key.Line, join(path, key.Value), section, hint))
				continue
			}
			walkKeys(val, ft, join(path, key.Value), errs)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			walkKeys(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), errs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, c := range n.Content {
			walkKeys(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
		}
	}
}

// fieldsSection is a struct that decodes itself (it has another, shorter
// form) but whose mapping form holds exactly its fields, checked as any
// section's.
type fieldsSection interface{ mappingIsFields() }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// keyLines maps the line of every key and value in the YAML document to the settings
// written on it, and every key path ("cost.agent_hour", "business_hours.weekly.mon[0]") to
// its line: what decoder and Validate errors lack to say which setting they mean. refused
// holds the key paths of the values explainDecode reported.
type keyLines struct {
	byLine  map[int][]lineKey
	byPath  map[string]int
	refused map[string]bool
}

// lineKey is a setting on a line: its key path and its value.
type lineKey struct {
	path string
	val  *yaml.Node
}

func newKeyLines(doc *yaml.Node) keyLines {
	k := keyLines{byLine: map[int][]lineKey{}, byPath: map[string]int{}, refused: map[string]bool{}}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				key, val := n.Content[i], n.Content[i+1]
				p := join(path, key.Value)
				k.byPath[p] = key.Line
				k.byLine[key.Line] = append(k.byLine[key.Line], lineKey{p, val})
				if val.Line != key.Line {
					k.byLine[val.Line] = append(k.byLine[val.Line], lineKey{p, val})
				}
				walk(val, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				k.byPath[p] = c.Line
				k.byLine[c.Line] = append(k.byLine[c.Line], lineKey{p, c})
				walk(c, p)
			}
		}
	}
	walk(doc, "")
	return k
}

// decodeLine is one line of a decoder error: "line 3: cannot unmarshal !!str `lots` into
// float64", or a custom decoder's "line 5: time: invalid duration".
var (
	decodeLine   = regexp.MustCompile(`^\s*line (\d+): (.*)$`)
	unmarshalMsg = regexp.MustCompile("^cannot unmarshal (!!\\w+)(?: `(.*)`)? into (\\S+)$")
)

// explainDecode rewrites the decoder's error so that each problem names its key path, what
// was written and what is wanted, in the file's words rather than YAML's and Go's types:
// "line 3: cost.agent_hour: `lots` is text, want a number". Lines it cannot place are kept.
func (k keyLines) explainDecode(err error) error {
	var msgs []string
	var te *yaml.TypeError
	switch {
	case errors.As(err, &te):
		msgs = te.Errors
	case decodeLine.MatchString(err.Error()):
		msgs = []string{err.Error()}
	default:
		return err // no line to place (a syntax error says its own)
	}
	var errs []error
	for _, m := range msgs {
		sub := decodeLine.FindStringSubmatch(m)
		if sub == nil {
			errs = append(errs, errors.New(m))
			continue
		}
		line, _ := strconv.Atoi(sub[1]) //nolint:errcheck // the pattern holds digits only
		rest := sub[2]
		// A custom decoder's error quotes the value it refused (Duration's
		// `invalid duration "1 minute"`), else the innermost key is meant.
		path := k.pathAt(line, func(v *yaml.Node) bool {
			return v.Kind == yaml.ScalarNode && strings.Contains(rest, strconv.Quote(v.Value))
		})
		if u := unmarshalMsg.FindStringSubmatch(rest); u != nil {
			path = k.pathAt(line, func(v *yaml.Node) bool {
				return v.ShortTag() == u[1] && (v.Kind != yaml.ScalarNode || v.Value == u[2])
			})
			got := yamlKind[u[1]]
			if got == "" {
				got = u[1]
			}
			if u[2] != "" {
				got = "`" + u[2] + "` is " + got
			} else {
				got = "got " + got
			}
			rest = got + ", want " + wantOf(u[3])
		}
		if named := k.named(line, rest); named != "" {
			k.refused[named] = true
		} else if path != "" {
			k.refused[path] = true
			rest = path + ": " + rest
		}
		errs = append(errs, fmt.Errorf("line %d: %s", line, rest))
	}
	return errors.Join(errs...)
}

// pathAt is the key path of the value on line that the decoder refused: of several (a
// flow mapping or list, or a section's first key), the first whose value is the one named
// (its tag and text); the innermost when none is; "" when the line holds none.
func (k keyLines) pathAt(line int, named func(*yaml.Node) bool) string {
	keys := k.byLine[line]
	if len(keys) == 0 {
		return ""
	}
	for _, lk := range keys {
		if lk.val.Line == line && named(lk.val) {
			return lk.path
		}
	}
	return keys[len(keys)-1].path
}

// named is the key path of line that msg starts with, "" when none: a custom decoder's
// error may name its setting already.
func (k keyLines) named(line int, msg string) string {
	for _, lk := range k.byLine[line] {
		if strings.HasPrefix(msg, lk.path+":") {
			return lk.path
		}
	}
	return ""
}

// yamlKind names the YAML tags a wrong value can carry.
var yamlKind = map[string]string{
	"!!str": "text", "!!int": "a whole number", "!!float": "a number", "!!bool": "true or false",
	"!!seq": "a list", "!!map": "a mapping", "!!null": "empty", "!!timestamp": "a date",
}

// wantOf says what a Go type the decoder named takes, in the file's words.
func wantOf(goType string) string {
	switch {
	case strings.HasPrefix(goType, "float"):
		return "a number"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "uint"):
		return "a whole number"
	case goType == "bool":
		return "true or false"
	case goType == "string":
		return "text"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	default: // a map or a section (config.Cost)
		return "a mapping (key: value lines)"
	}
}

// withLines prefixes each field error of a Validate error with the line its key is on,
// those of joined errors within it too (a validation made of others, errors.Join(a(), b())),
// and leaves out those of settings whose value the decoder refused: the field then holds
// no value of the file's (a default, or zero), and its own error says what is wrong.
func (k keyLines) withLines(err error) error {
	var errs []error
	for _, e := range leaves(err) {
		if !k.ofRefused(e) {
			errs = append(errs, k.withLine(e))
		}
	}
	return errors.Join(errs...)
}

// nullRefused makes each value explainDecode reported null in the document, as if the
// file left it empty: the field then keeps its default (or zero), and its siblings decode.
func (k keyLines) nullRefused() {
	for _, keys := range k.byLine {
		for _, lk := range keys {
			if k.refused[lk.path] {
				*lk.val = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: lk.val.Line, Column: lk.val.Column}
			}
		}
	}
}

// leaves lists the errors joined in err, those joined within them too; err alone when it
// joins none.
func leaves(err error) []error {
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		if err == nil {
			return nil
		}
		return []error{err}
	}
	var out []error
	for _, e := range joined.Unwrap() {
		out = append(out, leaves(e)...)
	}
	return out
}

// ofRefused reports whether err is the field error of a setting whose value, or a section
// holding it, the decoder refused.
func (k keyLines) ofRefused(err error) bool {
	var fe *fielderr.Error
	if !errors.As(err, &fe) {
		return false
	}
	for p := fe.Field; p != ""; p = p[:max(strings.LastIndexAny(p, ".["), 0)] {
		if k.refused[p] {
			return true
		}
	}
	return false
}

func (k keyLines) withLine(err error) error {
	var fe *fielderr.Error
	if !errors.As(err, &fe) {
		return err
	}
	// A setting the file leaves out (a required field) is on the line of the
	// nearest section that is written: sla.webchat for sla.webchat.first_response.
	for p := fe.Field; p != ""; p = p[:max(strings.LastIndexAny(p, ".["), 0)] {
		if line, ok := k.byPath[p]; ok {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	return err
}
