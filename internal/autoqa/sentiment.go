package autoqa

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/parley-cx/parley/internal/config"
)

// end_sentiment: a signal, not a verdict: the customer's last messages
// read as negative. Each of the last `messages` customer messages (default
// 2) is scored with AFINN-165 (lexicon/README.md): the sum of the
// valences of its words and phrases (−5 … +5), where a word within three
// words after a negation ("not", "never", "don't", …) in the same clause
// counts with the opposite sign ("not happy" is −3, "not bad" +3); a
// phrase of the lexicon ("does not work" −3) is matched before its words
// and never negated again. Words are read with their contractions apart
// ("I'll" is "i ll", not "ill" −2), but for "n't" ("don't" reads "dont",
// a negation); "no thanks" is neutral (lexiconAdditions). The check fails when the messages' total is at
// or below the threshold (default −2). Evidence: the most negative of them.
// N/A when the customer wrote nothing, or when the conversation's language
// (its locale's, else the default language) has no lexicon: AFINN-165 is
// English, and read on German or French text its words score by accident
// ("die" −3, "retard" −2), as spelling is N/A without a dictionary.
type endSentiment struct {
	messages  int
	threshold float64
	lang      string // qa.auto's default language
}

// lexiconLanguage is the language of the lexicon.
const lexiconLanguage = "en"

// Defaults of end_sentiment.
const (
	defaultSentimentMessages  = 2
	defaultSentimentThreshold = -2
)

//go:embed lexicon/afinn-165.tsv
var afinnTSV string

// lexicon maps folded words and phrases (see fold, without the spaces at
// the ends) to their AFINN-165 valence; lexiconFirst holds the first word
// of every phrase, and lexiconLongest is the most words an entry has.
var lexicon, lexiconFirst, lexiconLongest = loadLexicon(afinnTSV + lexiconAdditions)

// lexiconAdditions are Parley's entries beside AFINN-165's, in its format:
// "no thanks" declines, it does not negate thanks (without them "no
// thanks" and "no thanks needed" read "negated thanks -2").
const lexiconAdditions = "no thanks\t0\nno thank you\t0\n"

func loadLexicon(tsv string) (map[string]int, map[string]bool, int) {
	out, first := map[string]int{}, map[string]bool{}
	longest := 1
	for i, line := range strings.Split(strings.TrimSpace(tsv), "\n") {
		word, score, ok := strings.Cut(line, "\t")
		v, err := strconv.Atoi(score)
		if !ok || err != nil {
			panic(fmt.Sprintf("autoqa: lexicon line %d: %q is not word<TAB>score", i+1, line))
		}
		key := strings.TrimSpace(fold(word))
		if _, dup := out[key]; !dup {
			out[key] = v
		}
		words := strings.Fields(key)
		if len(words) > 1 {
			first[words[0]] = true
		}
		longest = max(longest, len(words))
	}
	return out, first, longest
}

// negations turn the valence of the words up to three after them (folded:
// "don't" reads "dont").
var negations = map[string]bool{
	"not": true, "no": true, "never": true, "nothing": true, "nobody": true, "none": true, "neither": true, "nor": true,
	"without": true, "hardly": true, "cannot": true, "aint": true, "dont": true, "doesnt": true, "didnt": true, "isnt": true,
	"arent": true, "wasnt": true, "werent": true, "cant": true, "couldnt": true, "wont": true, "wouldnt": true,
	"shouldnt": true, "hasnt": true, "havent": true, "hadnt": true, "neednt": true,
}

// negationReach is how many words after a negation it turns.
const negationReach = 3

func init() {
	register("end_sentiment", func(cfg config.AutoCheck, env *Env) (Check, error) {
		k := &endSentiment{messages: cfg.Messages, threshold: defaultSentimentThreshold, lang: env.DefaultLanguage}
		if k.messages == 0 {
			k.messages = defaultSentimentMessages
		}
		if cfg.Threshold != nil {
			k.threshold = *cfg.Threshold
		}
		return k, nil
	})
}

func (k *endSentiment) Run(c *Conversation) (string, int64, string) {
	if own := c.languages(k.lang)[0]; own != lexiconLanguage {
		return NA, 0, fmt.Sprintf("no sentiment lexicon for the conversation's language (%s): AFINN-165 is %s only", own, lexiconLanguage)
	}
	var total, worst int
	var worstSeq int64
	var hits [][]hit // per message read, last message first
	n := 0
	for i := len(c.Events) - 1; i >= 0 && n < k.messages; i-- {
		e := &c.Events[i]
		if !isCustomerMessage(e) {
			continue
		}
		n++
		score, found := sentiment(e.Text)
		total += score
		if worstSeq == 0 || score < worst {
			worst, worstSeq = score, e.Seq
		}
		hits = append(hits, found)
	}
	if n == 0 {
		return NA, 0, "the customer wrote nothing"
	}
	detail := fmt.Sprintf("the customer's last %d message(s) score %+d (AFINN-165; fails at or below %+g)", n, total, k.threshold)
	// The first six hits in the order the customer wrote them, formatted
	// only here: formatting every hit cost more than finding it.
	var shown []string
	for m := len(hits) - 1; m >= 0 && len(shown) < 6; m-- {
		for _, h := range hits[m][:min(len(hits[m]), 6-len(shown))] {
			shown = append(shown, h.String())
		}
	}
	if len(shown) > 0 {
		detail += ": " + strings.Join(shown, ", ")
	}
	if float64(total) <= k.threshold {
		return Fail, worstSeq, detail
	}
	return Pass, worstSeq, detail
}

// Sentiment scores text with AFINN-165 and negation (see endSentiment),
// and lists what it counted ("not happy −3").
func Sentiment(text string) (int, []string) {
	total, hits := sentiment(text)
	var found []string
	for _, h := range hits {
		found = append(found, h.String())
	}
	return total, found
}

// hit is a lexicon entry sentiment counted.
type hit struct {
	phrase  string
	valence int // as counted: negated if negated
	negated bool
}

// String is the hit as details show it: "happy +3", "negated happy -3".
func (h hit) String() string {
	if h.negated {
		return fmt.Sprintf("negated %s %+d", h.phrase, h.valence)
	}
	return fmt.Sprintf("%s %+d", h.phrase, h.valence)
}

// clauseBreaks end a clause: a negation reaches no word after one.
var clauseBreaks = func() *[utf8.RuneSelf]bool {
	var b [utf8.RuneSelf]bool
	for _, c := range ".,;:!?\n()\"" {
		b[c] = true
	}
	return &b
}()

// sentiment is Sentiment with the hits unformatted.
func sentiment(text string) (int, []hit) {
	total := 0
	var found []hit
	eachClause(text, true, func(words []string) bool {
		total, found = scoreClause(words, total, found)
		return true
	})
	return total, found
}

// scoreClause adds the valences of a clause's words (folded) to total and
// their hits to found.
func scoreClause(words []string, total int, found []hit) (int, []hit) {
	walkClause(words, lexiconMatch, func(i, n int, negated bool) bool {
		_, v, _ := lookup(words[i:])
		h := hit{phrase: strings.Join(words[i:i+n], " "), valence: v}
		if negated {
			h.valence, h.negated = -v, true
		}
		total += h.valence
		found = append(found, h)
		return true
	})
	return total, found
}

// eachClause calls fn with the words of each clause of text, in order,
// until fn returns false. The text is folded once (with contractions
// apart or not, see foldBreaking), each clause on a line of its own: the
// words of a line are those of the clause folded. words is reused from
// clause to clause.
func eachClause(text string, contractions bool, fn func(words []string) bool) {
	var words []string
	for clause := range strings.SplitSeq(foldBreaking(text, clauseBreaks, contractions), "\n") {
		words = slices.AppendSeq(words[:0], strings.FieldsSeq(clause))
		if !fn(words) {
			return
		}
	}
}

// lexiconMatch is the lexicon entry at the start of words, for
// walkClause: a one-word negation is none ("no" is in the lexicon, −1, but
// here it negates).
func lexiconMatch(words []string) (int, bool) {
	n, _, ok := lookup(words)
	return n, ok && !(n == 1 && negations[words[0]])
}

// walkClause reads the words of a clause (folded) as sentiment does, for
// every reader of negation (sentiment, empathy's triggers): at each word
// the longest entry match finds there (n words) is taken whole, and
// found is told whether a negation turns it: one of the negationReach
// words before it is a negation, and it is one word (a phrase, "does not
// work", is never negated again). A negation that is not inside an entry
// turns the words after it. found returns false to stop.
func walkClause(words []string, match func(words []string) (n int, ok bool), found func(i, n int, negated bool) bool) {
	negatedUntil := -1 // words up to this index are negated
	for i := 0; i < len(words); {
		n, ok := match(words[i:])
		switch {
		case ok:
			if !found(i, n, n == 1 && i <= negatedUntil) {
				return
			}
			i += n
		case negations[words[i]]:
			negatedUntil = i + negationReach
			i++
		default:
			i++
		}
	}
}

// lookup finds the longest lexicon entry at the start of words.
func lookup(words []string) (n, valence int, ok bool) {
	if lexiconFirst[words[0]] {
		for n = min(lexiconLongest, len(words)); n >= 2; n-- {
			if v, ok := lexicon[strings.Join(words[:n], " ")]; ok {
				return n, v, true
			}
		}
	}
	v, ok := lexicon[words[0]]
	return 1, v, ok
}
