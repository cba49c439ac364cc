package qa

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/parley-cx/parley/internal/csvsafe"
)

// manifestRow is one sampled conversation as QA tools import it. The JSON
// field order is the CSV column order; both files hold the same rows.
type manifestRow struct {
	N              int      `json:"n"`
	ConversationID string   `json:"conversation_id"`
	Agent          string   `json:"agent_id"`
	AttributedBy   string   `json:"attributed_by"`
	Queue          string   `json:"queue"`
	Channel        string   `json:"channel"`
	LocalDate      string   `json:"local_date"`
	Reason         string   `json:"reason"`
	Strata         []string `json:"strata"`
	QuotaNote      string   `json:"quota_note"`
	Run            string   `json:"run"`
	Seed           uint64   `json:"seed"`
	CSAT           *int64   `json:"csat"`
	FrictionScore  *float64 `json:"friction_score"`
	FirstResponseS *float64 `json:"first_response_s"`
	ResolutionS    *float64 `json:"resolution_s"`
	Resolved       bool     `json:"resolved"`
	SLAMet         *bool    `json:"sla_met"`
	Reopens        int64    `json:"reopens"`
	Escalations    int64    `json:"escalations"`
	Transfers      int64    `json:"transfers"`
	Messages       int64    `json:"messages"`
	Page           string   `json:"page"`
	// Reviewer is who scores it (--reviewers); "" for a calibration
	// conversation, which every reviewer scores.
	Reviewer    string `json:"reviewer"`
	Calibration bool   `json:"calibration"`
}

// manifestHeader is the CSV header, in manifestRow's field order.
var manifestHeader = []string{
	"n", "conversation_id", "agent_id", "attributed_by", "queue", "channel", "local_date",
	"reason", "strata", "quota_note", "run", "seed", "csat", "friction_score",
	"first_response_s", "resolution_s", "resolved", "sla_met", "reopens", "escalations",
	"transfers", "messages", "page", "reviewer", "calibration",
}

// csv is the row's CSV record. Text cells go through csvsafe.Escape, since
// ids, queues and channels come from the events and a spreadsheet would
// run one starting with "="; numbers are written as they are.
func (r manifestRow) csv() []string {
	text := csvsafe.Escape
	return []string{
		strconv.Itoa(r.N), text(r.ConversationID), text(r.Agent), text(r.AttributedBy), text(r.Queue),
		text(r.Channel), text(r.LocalDate), text(r.Reason), text(strings.Join(r.Strata, ";")),
		text(r.QuotaNote), text(r.Run), strconv.FormatUint(r.Seed, 10),
		optInt(r.CSAT), optFloat(r.FrictionScore), optFloat(r.FirstResponseS), optFloat(r.ResolutionS),
		strconv.FormatBool(r.Resolved), optBool(r.SLAMet), strconv.FormatInt(r.Reopens, 10),
		strconv.FormatInt(r.Escalations, 10), strconv.FormatInt(r.Transfers, 10),
		strconv.FormatInt(r.Messages, 10), text(r.Page), text(r.Reviewer), strconv.FormatBool(r.Calibration),
	}
}

// encodeManifest renders the rows as CSV and as JSON lines.
func encodeManifest(rows []manifestRow) (csvData, jsonl []byte, err error) {
	var cb, jb bytes.Buffer
	w := csv.NewWriter(&cb)
	if err := w.Write(manifestHeader); err != nil {
		return nil, nil, fmt.Errorf("qa: manifest csv: %w", err)
	}
	enc := json.NewEncoder(&jb)
	enc.SetEscapeHTML(true) // ids are untrusted; keep <, > and & out of the raw bytes
	for _, r := range rows {
		if r.Strata == nil {
			r.Strata = []string{} // [] rather than null: always a list
		}
		if err := w.Write(r.csv()); err != nil {
			return nil, nil, fmt.Errorf("qa: manifest csv: %w", err)
		}
		if err := enc.Encode(r); err != nil {
			return nil, nil, fmt.Errorf("qa: manifest jsonl: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, nil, fmt.Errorf("qa: manifest csv: %w", err)
	}
	return cb.Bytes(), jb.Bytes(), nil
}

func optInt(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}

func optFloat(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func optBool(p *bool) string {
	if p == nil {
		return ""
	}
	return strconv.FormatBool(*p)
}
