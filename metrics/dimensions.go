package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/parley-cx/parley/internal/config"
	sqlfiles "github.com/parley-cx/parley/sql"
)

// fillDimensions writes the dimensions, contact-reason rules and prices of
// the configuration into the tables 202_dimensions.sql created.
func fillDimensions(ctx context.Context, conn *sql.Conn, s *config.Config) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("metrics: begin dimension tables: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit; Commit's error is the one that counts
	exec := func(what, file string, args ...any) error {
		if _, err := tx.ExecContext(ctx, sqlfiles.File("build/stmt/"+file), args...); err != nil {
			return fmt.Errorf("metrics: insert %s: %w", what, err)
		}
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(s.Dimensions)) {
		d := s.Dimensions[name]
		if d.Attribute == "" {
			continue // turned off: the column stays NULL
		}
		if err := exec("dimension "+name, "dimension_attribute.sql", name, d.Attribute, d.Value); err != nil {
			return err
		}
	}
	for i, r := range s.ContactReasons {
		if err := exec("contact reason rule "+r.Name, "contact_reason_rule.sql", i+1, r.Name, RulePattern(r)); err != nil {
			return err
		}
	}
	c := s.Cost
	if err := exec("cost settings", "cost_settings.sql", c.Set(), c.AgentHour, c.BotConversation); err != nil {
		return err
	}
	for _, q := range slices.Sorted(maps.Keys(c.Queues)) {
		if err := exec("cost of queue "+q, "cost_queue.sql", q, *c.Queues[q].AgentHour); err != nil {
			return err
		}
	}
	for _, ch := range slices.Sorted(maps.Keys(c.Channels)) {
		if err := exec("fee of channel "+ch, "cost_channel.sql", ch, c.Channels[ch]); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("metrics: commit dimension tables: %w", err)
	}
	return nil
}

// notWord is RE2 for one character that is neither a Unicode letter nor a
// decimal digit: what separates the words keywords are made of.
const notWord = `[^\p{L}\p{Nd}]`

// RulePattern is the one RE2 pattern the build matches a contact-reason
// rule with (contact_reason_rules.pattern): any of its keywords, each its
// words (config.KeywordWords) in a row, separated by anything but letters
// and digits, with no letter or digit just before or after, case-insensitive;
// or any of its patterns as written.
func RulePattern(r config.ContactReason) string {
	var alts []string
	if len(r.Keywords) > 0 {
		kws := make([]string, len(r.Keywords))
		for i, k := range r.Keywords {
			words := config.KeywordWords(k)
			for j, w := range words {
				words[j] = regexp.QuoteMeta(w)
			}
			kws[i] = strings.Join(words, notWord+"+")
		}
		alts = append(alts, "(?i:(?:^|"+notWord+")(?:"+strings.Join(kws, "|")+")(?:"+notWord+"|$))")
	}
	for _, p := range r.Patterns {
		alts = append(alts, "(?:"+p+")")
	}
	return strings.Join(alts, "|")
}

// matchContactReasons records in contact_reason_matches which rules match
// the first messages 235_conversation_openings.sql collected, one statement
// per rule so that DuckDB compiles each pattern once.
func matchContactReasons(ctx context.Context, conn *sql.Conn, _ *config.Config) error {
	rows, err := conn.QueryContext(ctx, sqlfiles.File("build/stmt/contact_reason_ranks.sql"))
	if err != nil {
		return fmt.Errorf("metrics: list contact-reason rules: %w", err)
	}
	var ranks []int
	for rows.Next() {
		var r int
		if err := rows.Scan(&r); err != nil {
			rows.Close()
			return fmt.Errorf("metrics: list contact-reason rules: %w", err)
		}
		ranks = append(ranks, r)
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("metrics: list contact-reason rules: %w", err)
	}
	for _, r := range ranks {
		for _, file := range []string{"set_contact_reason_pattern.sql", "match_contact_reason.sql"} {
			if _, err := conn.ExecContext(ctx, sqlfiles.File("build/stmt/"+file), r); err != nil {
				return fmt.Errorf("metrics: match contact-reason rule %d (%s): %w", r, file, err)
			}
		}
	}
	return nil
}
