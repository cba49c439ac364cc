package qa

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"github.com/parley-cx/parley/internal/atomicfile"
)

// OptionsName is the file in a packet folder that records the options the
// packet was sampled with, so a later run of the same run id (same date and
// seed) can tell a rerun, which reproduces the packet, from a different
// sample, which must not replace it.
const OptionsName = "options.json"

// ErrOtherOptions is wrapped by Sample's error when the run's packet folder
// holds a packet sampled with other options (or with none recorded): it is
// kept, and nothing is written.
var ErrOtherOptions = errors.New("this run's packet folder holds a packet sampled with other options")

// packetOptions are the options that decide which conversations a packet
// holds, besides the run date and the seed, which name its folder. The
// JSON keys are the sample command's flags. The period is the resolved one:
// a default period that moved with new data draws another sample.
type packetOptions struct {
	From        string   `json:"from"`
	To          string   `json:"to"`
	Size        int      `json:"size"`
	PerAgent    int      `json:"per-agent"`
	RandomShare float64  `json:"random-share"`
	Strata      []string `json:"strata"`
	Queue       string   `json:"queue"`
	Channel     string   `json:"channel"`
	// Market and Reason came later: a packet written before them has neither key, which
	// reads as "" and so compares equal to a run without --market and --reason.
	Market      string   `json:"market"`
	Reason      string   `json:"reason"`
	AttributeTo string   `json:"attribute-to"`
	Reviewers   []string `json:"reviewers"`
	Calibration int      `json:"calibration"`
	AllowRepeat bool     `json:"allow-repeat"`
	NoRedact    bool     `json:"no-redact"`
}

// optionsOf is the packetOptions of a run (cfg with its defaults applied).
func optionsOf(cfg Config, p plan) packetOptions {
	return packetOptions{
		From: p.from, To: p.to, Size: cfg.Size, PerAgent: cfg.PerAgent, RandomShare: cfg.RandomShare,
		Strata: nonNil(cfg.Strata), Queue: cfg.Queue, Channel: cfg.Channel, Market: cfg.Market, Reason: cfg.Reason, AttributeTo: cfg.AttributeTo,
		Reviewers: nonNil(cfg.Reviewers), Calibration: cfg.Calibration, AllowRepeat: cfg.AllowRepeat, NoRedact: cfg.NoRedact,
	}
}

// nonNil makes an empty list compare (and encode) the same whether it was nil or not.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// encode is the options file's content.
func (o packetOptions) encode() ([]byte, error) {
	b, err := json.MarshalIndent(o, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("qa: encode %s: %w", OptionsName, err)
	}
	return append(b, '\n'), nil
}

// writeOptions writes the options file into the packet folder dir.
func writeOptions(dir string, o packetOptions) error {
	b, err := o.encode()
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, OptionsName), b); err != nil {
		return fmt.Errorf("qa: %w", err)
	}
	return nil
}

// checkRerun returns nil when the run's packet folder does not exist or
// holds a packet sampled with the same options (a rerun, which reproduces
// it), and otherwise an error wrapping ErrOtherOptions that names the
// options that differ and how to keep both. Replacing it would lose a
// packet perhaps being reviewed, and its picks from the ledger.
func checkRerun(cfg Config, p plan) error {
	if _, err := os.Stat(p.dir); errors.Is(err, os.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("qa: %w", err)
	}
	keep := fmt.Sprintf("it is kept: give this sample its own --seed (another number than %d) or another --out", p.rules.seed)
	b, err := os.ReadFile(filepath.Join(p.dir, OptionsName))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("qa: %s: %w, or options it does not record (it has no %s: an earlier parley's packet, or not a packet); %s, or remove that folder to sample it again",
			p.dir, ErrOtherOptions, OptionsName, keep)
	}
	if err != nil {
		return fmt.Errorf("qa: %w", err)
	}
	var was packetOptions
	if err := json.Unmarshal(b, &was); err != nil {
		return fmt.Errorf("qa: %s: %w", filepath.Join(p.dir, OptionsName), err)
	}
	diff := optionDiff(was, optionsOf(cfg, p))
	if len(diff) == 0 {
		return nil
	}
	return fmt.Errorf("qa: %s: %w (%s); %s", p.dir, ErrOtherOptions, strings.Join(diff, "; "), keep)
}

// optionDiff names each option whose value differs: `--channel "whatsapp" there, "" now`.
func optionDiff(was, now packetOptions) []string {
	var diff []string
	w, n := reflect.ValueOf(was), reflect.ValueOf(now)
	for i := range w.NumField() {
		if reflect.DeepEqual(w.Field(i).Interface(), n.Field(i).Interface()) {
			continue
		}
		key := w.Type().Field(i).Tag.Get("json")
		diff = append(diff, fmt.Sprintf("--%s %s there, %s now", key, flagValue(w.Field(i).Interface()), flagValue(n.Field(i).Interface())))
	}
	return diff
}

// flagValue writes an option's value as it is given on the command line,
// quoted when it is text: "whatsapp", "low_csat,long", 10.
func flagValue(v any) string {
	switch v := v.(type) {
	case []string:
		return strconv.Quote(strings.Join(v, ","))
	case string:
		return strconv.Quote(v)
	default:
		return fmt.Sprint(v)
	}
}
