package event

import (
	"encoding/json"
	"os"
	"slices"
	"testing"
)

// The JSON Schema in docs/ is what producers validate against; it must list
// exactly the enums the Go validator accepts.
func TestSchemaMatchesValidator(t *testing.T) {
	raw, err := os.ReadFile("../../docs/events.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Required   []string `json:"required"`
		Properties struct {
			Type    struct{ Enum []string } `json:"type"`
			Channel struct{ Enum []string } `json:"channel"`
			Actor   struct {
				Properties struct {
					Role struct{ Enum []string } `json:"role"`
				} `json:"properties"`
			} `json:"actor"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(raw, &schema); err != nil {
		t.Fatal(err)
	}
	asStrings := func(in any) []string {
		var out []string
		switch v := in.(type) {
		case []Type:
			for _, x := range v {
				out = append(out, string(x))
			}
		case []Channel:
			for _, x := range v {
				out = append(out, string(x))
			}
		}
		return out
	}
	checks := []struct {
		name         string
		schema, code []string
	}{
		{"type", schema.Properties.Type.Enum, asStrings(Types)},
		{"channel", schema.Properties.Channel.Enum, asStrings(Channels)},
		{"actor.role", schema.Properties.Actor.Properties.Role.Enum, []string{RoleCustomer, RoleAgent, RoleBot, RoleSystem}},
		{"required", schema.Required, []string{"event_id", "conversation_id", "type", "occurred_at"}},
	}
	for _, c := range checks {
		if !slices.Equal(c.schema, c.code) {
			t.Errorf("%s: schema has %v, validator has %v", c.name, c.schema, c.code)
		}
	}
}
