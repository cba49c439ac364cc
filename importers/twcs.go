package importers

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// TwitterTime is the layout of created_at in the Twitter data: Tue Oct 31 22:10:47 +0000 2017.
const TwitterTime = "Mon Jan 02 15:04:05 -0700 2006"

// twcsColumns are the columns the TWCS layout needs, by header name (the
// published file has no index column; pandas re-exports add one in front).
var twcsColumns = []string{"tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id"}

const (
	colTweetID = iota
	colAuthor
	colInbound
	colCreatedAt
	colText
	colResponses
	colInResponseTo
)

// TWCS reads the "Customer Support on Twitter" layout (one row per tweet)
// and rebuilds conversations from the reply threads: every tweet belongs to
// the conversation "twcs-<root>", where the root is the tweet its chain of
// in_response_to_tweet_id links (or, failing that, the parents'
// response_tweet_id lists) leads back to, even when the root itself is not in
// the file. Customer tweets (inbound True) are customer messages; company
// tweets are public agent messages whose actor is the company account. Each
// conversation's queue is the company account that answered it first, so
// per-company figures are per-queue figures in the warehouse.
//
// Threads need the whole file, so Open reads it twice: a seekable input is
// rewound, anything else is first copied to a temporary file.
type TWCS struct{}

// tweetLink is what the first pass keeps of one tweet.
type tweetLink struct {
	parent  string // in_response_to_tweet_id, canonical; "" if none
	company string // author_id when the tweet is a company's (inbound False)
	at      time.Time
}

// Open makes the first pass over the tweets and returns a Reader for the second.
func (TWCS) Open(r io.Reader) (Reader, error) {
	src, cleanup, err := rewindable(r)
	if err != nil {
		return nil, fmt.Errorf("importers: twcs: %w", err)
	}
	t := &twcsReader{cleanup: cleanup}
	if err := t.firstPass(src); err != nil {
		return nil, errors.Join(fmt.Errorf("importers: twcs: %w", err), t.Close())
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, errors.Join(fmt.Errorf("importers: twcs: rewind for the second pass: %w", err), t.Close())
	}
	t.rows = newRowReader(src, ',')
	if _, _, err := t.rows.header(); err != nil {
		return nil, errors.Join(fmt.Errorf("importers: twcs: %w", err), t.Close())
	}
	return t, nil
}

// rewindable returns r itself if it can seek, else a temporary copy of it.
func rewindable(r io.Reader) (io.ReadSeeker, func() error, error) {
	if s, ok := r.(io.ReadSeeker); ok {
		if _, err := s.Seek(0, io.SeekCurrent); err == nil {
			return s, func() error { return nil }, nil
		}
	}
	f, err := os.CreateTemp("", "parley-twcs-*.csv")
	if err != nil {
		return nil, nil, fmt.Errorf("spool input: %w", err)
	}
	cleanup := func() error { return errors.Join(f.Close(), os.Remove(f.Name())) }
	if _, err := io.Copy(f, r); err != nil {
		return nil, nil, errors.Join(fmt.Errorf("spool input to %s: %w", f.Name(), err), cleanup())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, errors.Join(fmt.Errorf("spool input: %w", err), cleanup())
	}
	return f, cleanup, nil
}

type twcsReader struct {
	cleanup func() error
	rows    *rowReader
	cols    [7]int
	header  []string
	tweets  map[string]tweetLink
	listed  map[string]string // child → parent, from response_tweet_id lists
	roots   map[string]string
	company map[string]string // root → first answering company
}

func (t *twcsReader) Close() error { return t.cleanup() }

// firstPass indexes every well-formed tweet's parent, author and time.
// Rows it cannot read are left for the second pass to reject, in order.
func (t *twcsReader) firstPass(r io.Reader) error {
	rows := newRowReader(r, ',')
	cols, names, err := rows.header()
	if err != nil {
		return err
	}
	// One error for every missing column: a file that is not a TWCS export
	// lacks most of them, and its header is worth reading once, not per column.
	var missing []string
	for i, name := range twcsColumns {
		c, ok := cols[name]
		if !ok {
			missing = append(missing, name)
		}
		t.cols[i] = c
	}
	if len(missing) > 0 {
		return fmt.Errorf("not the Twitter customer-support layout: the header lacks %s (columns: %s)", quoteAll(missing), quoteAll(names))
	}
	t.header = names
	t.tweets = make(map[string]tweetLink)
	t.listed = make(map[string]string)
	for {
		fields, _, _, err := rows.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			continue
		}
		if err != nil {
			return err
		}
		tw, err := t.parse(fields)
		if err != nil {
			continue
		}
		t.tweets[tw.id] = tw.link
		for _, c := range tw.replies {
			t.listed[c] = tw.id
		}
	}
	t.roots = make(map[string]string, len(t.tweets))
	t.company = make(map[string]string)
	first := make(map[string]time.Time)
	for id, tw := range t.tweets {
		if tw.company == "" {
			continue
		}
		root := t.root(id)
		if at, seen := first[root]; !seen || tw.at.Before(at) || (tw.at.Equal(at) && tw.company < t.company[root]) {
			first[root], t.company[root] = tw.at, tw.company
		}
	}
	return nil
}

// parent is the tweet id answers, from its own row or else from a listing.
func (t *twcsReader) parent(id string) string {
	if tw, ok := t.tweets[id]; ok && tw.parent != "" {
		return tw.parent
	}
	return t.listed[id]
}

// root follows parents to the top of the thread. A cycle (which a
// well-formed export cannot have) is rooted at its smallest id, so the
// answer does not depend on where the walk entered it.
func (t *twcsReader) root(id string) string {
	if r, ok := t.roots[id]; ok {
		return r
	}
	path := []string{id}
	at := map[string]int{id: 0} // position in path
	top := id
	for {
		p := t.parent(top)
		if p == "" {
			break
		}
		if r, ok := t.roots[p]; ok {
			top = r
			break
		}
		if i, cycle := at[p]; cycle {
			top = slices.Min(path[i:])
			break
		}
		at[p] = len(path)
		path = append(path, p)
		top = p
	}
	for _, n := range path {
		t.roots[n] = top
	}
	return top
}

// parsedTweet is one row, checked.
type parsedTweet struct {
	link    tweetLink
	id      string
	author  string
	inbound bool
	text    string
	replies []string
}

// parse checks one row; the error is an *event.InvalidError naming the column.
func (t *twcsReader) parse(fields []string) (parsedTweet, error) {
	var tw parsedTweet
	for _, c := range t.cols {
		if c >= len(fields) {
			return tw, shortRow(fields, t.header)
		}
	}
	id, err := tweetID(fields[t.cols[colTweetID]])
	if err != nil || id == "" {
		return tw, invalid(event.ReasonBadValue, "tweet_id", "not a tweet id: %q", fields[t.cols[colTweetID]])
	}
	tw.id = id
	tw.author = strings.TrimSpace(fields[t.cols[colAuthor]])
	if tw.author == "" {
		return tw, invalid(event.ReasonMissingField, "author_id", "empty")
	}
	switch v := strings.TrimSpace(fields[t.cols[colInbound]]); v {
	case "True", "true", "TRUE", "1":
		tw.inbound = true
	case "False", "false", "FALSE", "0":
		tw.link.company = tw.author
	default:
		return tw, invalid(event.ReasonBadValue, "inbound", "want True or False, got %q", v)
	}
	at, err := time.Parse(TwitterTime, strings.TrimSpace(fields[t.cols[colCreatedAt]]))
	if err != nil {
		return tw, invalid(event.ReasonBadTimestamp, "created_at", "want the Twitter format %q: %q", TwitterTime, fields[t.cols[colCreatedAt]])
	}
	tw.link.at = at
	if tw.link.parent, err = tweetID(fields[t.cols[colInResponseTo]]); err != nil {
		return tw, invalid(event.ReasonBadValue, "in_response_to_tweet_id", "not a tweet id: %q", fields[t.cols[colInResponseTo]])
	}
	for _, s := range strings.Split(fields[t.cols[colResponses]], ",") {
		c, err := tweetID(s)
		if err != nil {
			return tw, invalid(event.ReasonBadValue, "response_tweet_id", "not a list of tweet ids: %q", fields[t.cols[colResponses]])
		}
		if c != "" {
			tw.replies = append(tw.replies, c)
		}
	}
	tw.text = fields[t.cols[colText]]
	return tw, nil
}

// tweetID canonicalises an id: pandas writes ids of a column with gaps as
// floats ("3.0"), which must match the integer "3" of the tweet itself.
func tweetID(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return strconv.FormatUint(u, 10), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	// Beyond 2^53 a float no longer names one integer, so the id is ambiguous.
	if err != nil || f < 0 || f != math.Trunc(f) || f > 1<<53 {
		return "", fmt.Errorf("not a tweet id: %q", s)
	}
	return strconv.FormatUint(uint64(f), 10), nil
}

// Next maps the next tweet to a message event.
func (t *twcsReader) Next() (Record, error) {
	fields, line, raw, err := t.rows.next()
	if errors.Is(err, io.EOF) {
		return Record{}, io.EOF
	}
	rec := Record{Line: line, Raw: raw}
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		rec.Err = invalid(ReasonMalformedRow, "", "%v", err)
		return rec, nil
	}
	if err != nil {
		return rec, fmt.Errorf("importers: twcs: %w", err)
	}
	tw, err := t.parse(fields)
	if err != nil {
		rec.Err = err
		return rec, nil
	}
	root := t.root(tw.id)
	role := event.RoleAgent
	if tw.inbound {
		role = event.RoleCustomer
	}
	rec.Event = event.Event{
		EventID:        "twcs-" + tw.id,
		ConversationID: "twcs-" + root,
		Type:           event.MessageSent,
		OccurredAt:     tw.link.at,
		Channel:        event.Other,
		Actor:          &event.Actor{Role: role, ID: tw.author},
		Queue:          t.company[root],
		Message:        &event.Message{Text: tw.text},
	}
	return rec, nil
}
