package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/parley-cx/parley/internal/suggest"
)

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
				hint := ""
				if near := suggest.Among(key.Value, names); len(near) > 0 {
					hint = "; did you mean " + strings.Join(near, " or ") + "?"
				}
				section := "parley.yaml"
				if path != "" {
					section = path
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
