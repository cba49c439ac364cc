package config

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLoadStrict: what the file format refuses, each with the reason named.
func TestLoadStrict(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"Local", "timezone: Local\n", `timezone: "Local" is the zone of whichever machine runs parley`},
		{"localtime", "timezone: localtime\n", `timezone: "localtime" is the zone of whichever machine`},
		{"posixrules", "timezone: posixrules\n", `timezone: "posixrules" is a file of the zoneinfo database`},
		{"posixrules in a queue", "queues:\n  q:\n    hours:\n      timezone: posixrules\n", `queues.q.hours.timezone: "posixrules"`},
		{"second document", "timezone: Europe/Paris\n---\ntimezone: UTC\n", "a second YAML document"},
		{"second empty document", "timezone: Europe/Paris\n---\n", "a second YAML document"},
		{"memory below the minimum", "build:\n  memory_limit: 100MB\n", `build.memory_limit: "100MB" is below the minimum a build needs, 128MiB`},
		{"memory in bytes below the minimum", "build:\n  memory_limit: 134217727 bytes\n", "below the minimum"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(writeFile(t, c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load: %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestLoadAccepts: the neighbours of what TestLoadStrict refuses still load.
func TestLoadAccepts(t *testing.T) {
	cases := []struct{ name, body string }{
		{"leading document marker", "---\ntimezone: Europe/Paris\n"},
		{"document end marker", "timezone: Europe/Paris\n...\n"},
		{"memory at the minimum", "build:\n  memory_limit: 128MiB\n"},
		{"UTC", "timezone: UTC\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Load(writeFile(t, c.body)); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestNullMapsKeepDefaults: "sla:" or "reply_windows:" with no value, or an
// empty map, changes nothing, as the docs say; it does not drop every target.
func TestNullMapsKeepDefaults(t *testing.T) {
	for _, body := range []string{"sla:\nreply_windows:\n", "sla: ~\nreply_windows: null\n", "sla: {}\nreply_windows: {}\n"} {
		cfg, err := Load(writeFile(t, body))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := time.Duration(cfg.SLA["webchat"].FirstResponse), time.Minute; got != want || len(cfg.SLA) != len(Default().SLA) {
			t.Errorf("%q: sla has %d channels, webchat %v; want the %d defaults", body, len(cfg.SLA), got, len(Default().SLA))
		}
		if len(cfg.ReplyWindows) != len(Default().ReplyWindows) {
			t.Errorf("%q: reply_windows has %d channels, want the defaults", body, len(cfg.ReplyWindows))
		}
	}
}

// TestChannelKeysRefused: every setting keyed by a channel refuses a channel no event can
// carry, naming its line, key path and near miss, as cost.channels does (sla and reply_windows
// were a warning without a line, under which the channel meant silently kept its default
// target; staffing.channels and the QA channel lists said nothing at all).
func TestChannelKeysRefused(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"sla", "sla:\n  whatsap: {first_response: 5m, goal: 0.9}\n", "line 2: sla.whatsap: no event has channel \"whatsap\""},
		{"reply_windows", "reply_windows:\n  whatsap: 24h\n", "line 2: reply_windows.whatsap: no event has channel"},
		{"staffing.channels", "staffing:\n  channels:\n    whatsap: {concurrency: 2}\n", "line 3: staffing.channels.whatsap: no event has channel"},
		{"cost.channels", "cost:\n  channels:\n    whatsap: 0.05\n", "line 3: cost.channels.whatsap: no event has channel"},
		{"scorecard channels", "qa:\n  scorecards:\n    - name: x\n      channels: [webchat, whatsap]\n      categories: [{name: a, weight: 1, scale: 1-5}]\n",
			"line 4: qa.scorecards[0].channels[1]: no event has channel"},
		{"auto check channels", "qa:\n  auto:\n    checks:\n      - name: greeting\n        channels:\n          - whatsap\n",
			"line 6: qa.auto.checks[0].channels[0]: no event has channel"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(writeFile(t, c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "did you mean whatsapp?") {
				t.Errorf("Load: %v\nwant %q and \"did you mean whatsapp?\"", err, c.want)
			}
		})
	}
	// unknown, the channel of conversations without one, takes settings like any other.
	if _, err := Load(writeFile(t, "sla:\n  unknown: {first_response: 1h, goal: 0.5}\nreply_windows:\n  unknown: 24h\nstaffing:\n  channels:\n    unknown: {concurrency: 2}\n")); err != nil {
		t.Errorf("Load of channel unknown: %v", err)
	}
}

// TestSLAGoalDefaults: an sla entry or staffing target without goal takes DefaultGoal, as
// docs/config.md's table says (it was refused as "got 0"), and one without first_response is
// refused on the line of its entry, saying what to write.
func TestSLAGoalDefaults(t *testing.T) {
	cfg, err := Load(writeFile(t, "sla:\n  webchat: {first_response: 2m}\nstaffing:\n  channels:\n    sms: {target: {first_response: 30s}}\n"))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if g := cfg.SLA["webchat"].Goal; g != DefaultGoal {
		t.Errorf("sla.webchat.goal = %g, want the default %g", g, DefaultGoal)
	}
	if g := cfg.Staffing.Channels["sms"].Target.Goal; g != DefaultGoal {
		t.Errorf("staffing.channels.sms.target.goal = %g, want the default %g", g, DefaultGoal)
	}
	for _, c := range []struct{ body, want string }{
		{"sla:\n  webchat: {first_response: 2m, goal: 0}\n", "line 2: sla.webchat.goal: must be in (0, 1], got 0"},
		{"timezone: UTC\nsla:\n  webchat:\n    goal: 0.9\n", "line 3: sla.webchat.first_response: required: a duration > 0, such as 60s"},
		{"sla:\n  webchat: {first_respons: 2m}\n", "line 2: sla.webchat.first_respons: unknown key in sla.webchat; did you mean first_response?"},
		// SLA decodes itself now: its type errors still name key, line and what is wanted.
		{"sla:\n  webchat: 5m\n", "line 2: sla.webchat: `5m` is text, want a mapping"},
		{"sla:\n  sms: {first_response: 1m, goal: high}\n", "line 2: sla.sms.goal: `high` is text, want a number"},
	} {
		if _, err := Load(writeFile(t, c.body)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%q): %v\nwant %q", c.body, err, c.want)
		}
	}
}

// TestMessagesTeach: a mistake's message says what is accepted, with an example or the near
// miss (they said only "invalid duration", "not an IANA time zone", "bad start time", or
// "unknown key in queues.biling").
func TestMessagesTeach(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string
	}{
		{"a duration without unit", "sla:\n  webchat:\n    first_response: 60\n",
			[]string{"line 3: sla.webchat.first_response:", `invalid duration "60": want a number with its unit, such as 60s, 1m, 1h30m or 7d`}},
		{"a misspelt time zone", "timezone: Europe/Londn\n",
			[]string{"line 1: timezone:", `"Europe/Londn" is not an IANA time zone; did you mean Europe/London?`}},
		{"a queue's misspelt time zone", "queues:\n  billing:\n    hours:\n      timezone: europe/berlin\n",
			[]string{"line 4: queues.billing.hours.timezone:", "did you mean Europe/Berlin?"}},
		{"hours without minutes", "business_hours:\n  weekly:\n    mon: [\"8-18\"]\n",
			[]string{"line 3: business_hours.weekly.mon[0]:", `"8-18": bad start time "8"; did you mean "08:00-18:00"? write HH:MM-HH:MM, such as "09:00-17:30"`}},
		{"a span of nonsense", "business_hours:\n  weekly:\n    tue: [\"morning\"]\n",
			[]string{"line 3: business_hours.weekly.tue[0]:", `"morning" is not HH:MM-HH:MM; write HH:MM-HH:MM, such as "09:00-17:30"`}},
		{"a key far from every right one", "queues:\n  biling:\n    business_hours:\n      weekly: {}\n",
			[]string{"line 3: queues.biling.business_hours: unknown key in queues.biling; its keys: hours"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "a misspelt time zone" || c.name == "a queue's misspelt time zone" {
				if _, err := os.Stat("/usr/share/zoneinfo/Europe/London"); err != nil {
					t.Skip("no zoneinfo database on this machine to suggest from")
				}
			}
			_, err := Load(writeFile(t, c.body))
			for _, w := range c.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("Load: %v\nwant it to say %q", err, w)
				}
			}
		})
	}
}

// TestChangesFrom names every setting that differs from the recorded ones,
// and nothing for the same settings or for build resources.
func TestChangesFrom(t *testing.T) {
	before := Default()
	before.TimeZone = "Europe/London"
	cfg, err := Load(writeFile(t, `
sla:
  webchat: {first_response: 2m, goal: 0.8}
business_hours:
  weekly: {mon: ["09:00-17:00"]}
build: {threads: 1}
`))
	if err != nil {
		t.Fatal(err)
	}
	changes, err := cfg.ChangesFrom(before.SemanticYAML())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.Setting+": "+c.Old+" -> "+c.New)
	}
	want := []string{
		"business_hours.weekly.mon:  -> [09:00-17:00]",
		"sla.webchat.first_response: 1m0s -> 2m0s",
		"timezone: Europe/London -> UTC",
	}
	if !slices.Equal(got, want) {
		t.Errorf("changes\n%q\nwant\n%q", got, want)
	}
	if eff := changes[2].Effect(); !strings.Contains(eff, "counted in UTC instead of Europe/London") {
		t.Errorf("timezone effect %q", eff)
	}
	if same, err := cfg.ChangesFrom(cfg.SemanticYAML()); err != nil || len(same) != 0 {
		t.Errorf("changes from the same settings: %v, %v", same, err)
	}
}

// TestYAMLRoundTrips: the YAML a configuration writes (parley demo's
// parley.yaml) loads back as the same settings.
func TestYAMLRoundTrips(t *testing.T) {
	cfg, err := Load(writeFile(t, "timezone: Europe/London\nqueues:\n  night:\n    hours:\n      weekly: {fri: [\"22:00-06:00\"]}\nbuild: {memory_limit: 2GiB}\n"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(writeFile(t, string(cfg.YAML())))
	if err != nil {
		t.Fatal(err)
	}
	if back.Fingerprint() != cfg.Fingerprint() || back.Build != cfg.Build {
		t.Errorf("written and read back:\n%s\ndiffers from\n%s", back.YAML(), cfg.YAML())
	}
}

// TestLoadNamesKeyLineAndFix: a misspelt channel under cost.channels and a value of the wrong
// type are errors that name the key path, the line, and what would be right (a misspelt
// channel used to be a warning without a line, easy to miss; a type error named the line and
// a Go type, not the key).
func TestLoadNamesKeyLineAndFix(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string
	}{
		{"misspelt channel", "timezone: UTC\ncost:\n  agent_hour: 30\n  channels:\n    whatsap: 0.05\n",
			[]string{"line 5: cost.channels.whatsap:", `no event has channel "whatsap"`, "did you mean whatsapp?"}},
		{"channel of no event", "cost:\n  channels:\n    telegram: 0.05\n",
			[]string{"line 3: cost.channels.telegram:", "webchat, sms, whatsapp"}},
		{"text for an amount", "timezone: UTC\ncost:\n  agent_hour: lots\n",
			[]string{"line 3: cost.agent_hour:", "`lots`", "want a number"}},
		{"text for a fee", "cost:\n  channels:\n    whatsapp: cheap\n",
			[]string{"line 3: cost.channels.whatsapp:", "want a number"}},
		{"text for a whole number", "build:\n  threads: many\n",
			[]string{"line 2: build.threads:", "want a whole number"}},
		{"list for an amount", "cost:\n  bot_conversation: [1, 2]\n",
			[]string{"line 2: cost.bot_conversation:", "want a number"}},
		{"scalar for a section", "cost: 12\n",
			[]string{"line 1: cost:", "want a mapping"}},
		{"a duration that is none", "windows:\n  reopen: lots\n",
			[]string{"line 2: windows.reopen:", `invalid duration "lots"`}},
		{"a value on the next line", "cost:\n  agent_hour:\n    lots\n",
			[]string{"line 3: cost.agent_hour:", "want a number"}},
		{"two type errors at once", "cost:\n  agent_hour: lots\n  bot_conversation: few\n",
			[]string{"line 2: cost.agent_hour:", "line 3: cost.bot_conversation:"}},
		// Every mistake in one run: an unknown key does not hide a wrong value elsewhere.
		{"an unknown key and a wrong value", "timezone: Europe/Londn\nsla:\n  webchat: {first_respons: 2m}\n",
			[]string{"line 3: sla.webchat.first_respons: unknown key in sla.webchat; did you mean first_response?",
				`line 1: timezone: "Europe/Londn" is not an IANA time zone; did you mean Europe/London?`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := loadSays(t, c.body, c.want)
			if strings.Contains(err.Error(), "float64") || strings.Contains(err.Error(), "!!str") {
				t.Errorf("Load: %v\nnames Go or YAML types", err)
			}
		})
	}
	// Each contract channel (and unknown, conversations without one) is accepted.
	if _, err := Load(writeFile(t, "cost:\n  channels:\n    whatsapp: 0.05\n    sms: 0.01\n    unknown: 0\n")); err != nil {
		t.Errorf("Load of real channels: %v", err)
	}
}

// loadSays loads a parley.yaml of body, which must fail saying each of
// want, and returns the error.
func loadSays(t *testing.T, body string, want []string) error {
	t.Helper()
	_, err := Load(writeFile(t, body))
	if err == nil {
		t.Fatal("Load: no error")
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("Load: %v\nwant it to say %q", err, w)
		}
	}
	return err
}

// TestRefusedValueHidesNoOtherMistake: a value the decoder refuses (a duration that is none,
// text for a number, a list for the lake) is reported with every other mistake of the file,
// the unknown keys and the values Validate refuses, those of the same section too (a bad
// duration used to stop the load there, so each run showed one more mistake). The refused
// setting is named once, by its own error, not again as missing.
func TestRefusedValueHidesNoOtherMistake(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string
	}{
		{"the trial's file", "timezon: UTC\nsla:\n  webchat:\n    first_response: 1 minute\n    goal: 80\n  whatsap:\n    first_response: 5m\nwindows:\n  repeat_contact: -1h\n",
			[]string{
				"line 1: timezon: unknown key in parley.yaml; did you mean timezone?",
				`line 4: sla.webchat.first_response: invalid duration "1 minute"`,
				"line 5: sla.webchat.goal: must be in (0, 1], got 80",
				`line 6: sla.whatsap: no event has channel "whatsap"`,
				"line 9: windows.repeat_contact: must be > 0",
			}},
		{"in a flow mapping", "sla:\n  sms: {first_response: 60, goal: 2}\n",
			[]string{`line 2: sla.sms.first_response: invalid duration "60"`, "line 2: sla.sms.goal: must be in (0, 1], got 2"}},
		{"text for a number", "cost:\n  agent_hour: lots\nbuild:\n  threads: -2\n",
			[]string{"line 2: cost.agent_hour: `lots` is text, want a number", "line 4: build.threads: must be >= 0"}},
		{"a list for the lake", "lake: [a]\nfriction:\n  weights: {time: -1}\n",
			[]string{"line 1: lake: want a folder", "line 3: friction.weights.time: must be a finite number >= 0, got -1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := loadSays(t, c.body, c.want)
			if strings.Contains(err.Error(), "required") {
				t.Errorf("Load: %v\nnames a refused value again as missing", err)
			}
		})
	}
}

// TestBuildChanges: of the settings a warehouse was built with, only those named (with what is
// under them) are compared; the time zone with the warehouse's own, even when it records no
// settings (a warehouse of an earlier parley).
func TestBuildChanges(t *testing.T) {
	built := Default()
	built.TimeZone = "Europe/London"
	built.Cost.Currency = "EUR"
	recorded := built.SemanticYAML()
	c := Default()
	c.TimeZone = "America/New_York"
	c.Cost.Currency = "USD"
	c.Windows.Reopen = Duration(time.Hour)
	cases := []struct {
		name     string
		recorded string
		settings []string
		want     []string
	}{
		{"time zone and cost", recorded, []string{"timezone", "cost"}, []string{"timezone: Europe/London -> America/New_York", "cost.currency: EUR -> USD"}},
		{"time zone only", recorded, []string{"timezone"}, []string{"timezone: Europe/London -> America/New_York"}},
		{"windows", recorded, []string{"windows"}, []string{"windows.reopen: 168h0m0s -> 1h0m0s"}},
		{"no recorded settings", "", []string{"timezone", "cost"}, []string{"timezone: Europe/London -> America/New_York"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			changes, err := c.BuildChanges("Europe/London", tc.recorded, tc.settings...)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ch := range changes {
				got = append(got, ch.Setting+": "+orUnset(ch.Old)+" -> "+orUnset(ch.New))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("BuildChanges(%v) = %q, want %q", tc.settings, got, tc.want)
			}
		})
	}
	if changes, err := built.BuildChanges("Europe/London", recorded, "timezone", "cost"); err != nil || len(changes) != 0 {
		t.Errorf("the build's own settings: %v, %v; want no change", changes, err)
	}
}
