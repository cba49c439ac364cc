package autoqa

import (
	"testing"

	"github.com/parley-cx/parley/internal/config"
)

func TestSentimentScore(t *testing.T) {
	cases := []struct {
		text  string
		score int
	}{
		{"Thanks, that's all!", 2},                   // thanks +2
		{"This is ridiculous, I'm leaving.", -3},     // ridiculous −3
		{"I am not happy", -3},                       // happy +3, negated
		{"not bad at all", 3},                        // bad −3, negated
		{"It does not work", -3},                     // the phrase, not "work" negated
		{"I don't like it. Great service though", 1}, // "dont like" −2; great +3 in its own clause
		{"never been so disappointed", 2},            // disappointed −2, negated
		{"no help, awful", -3},                       // "no" negates help (+2 → −2); awful −3 in the next clause ... see below
		{"ok", 0},
		{"I'll check tomorrow", 0},            // "i ll", not ill −2
		{"I\u2019ll check tomorrow", 0},       // the typographic apostrophe too
		{"he'll call you back", 0},            // "he ll", not hell −4
		{"We'll be fine", 2},                  // fine +2
		{"I can\u2019t stand it", -3},         // "cant stand" −3: n't keeps its word
		{"She\u02bcs not happy", -3},          // "she s not": happy +3, negated
		{"I'm ill", -2},                       // ill −2 as a word
		{"No thanks", 0},                      // declines, no negated thanks
		{"no thanks needed, glad to help", 5}, // glad +3, help +2
		{"no thank you", 0},
	}
	cases[7].score = -2 - 3
	for _, c := range cases {
		if got, found := Sentiment(c.text); got != c.score {
			t.Errorf("Sentiment(%q) = %d (%v), want %d", c.text, got, found, c.score)
		}
	}
}

func TestEndSentiment(t *testing.T) {
	check(t, config.AutoCheck{Name: "end_sentiment"}, []verdictCase{
		{"positive end", transcript("", "customer: This is awful", "agent: Fixed!", "customer: Brilliant, thanks for your help"), Pass, 1, "score +5"},
		{"negative end", transcript("", "customer: hi", "agent: Order number?", "customer: This is ridiculous, I'm leaving.", "customer: useless"), Fail, 3, "ridiculous -3"},
		{"negation", transcript("", "customer: x", "agent: done", "customer: I'm not happy with this"), Fail, 3, "negated happy -3"},
		{"a negated complaint is not negative", transcript("", "customer: x", "agent: done", "customer: not bad at all"), Pass, 1, "negated bad +3"},
		{"only the last two messages count", transcript("", "customer: terrible awful horrible", "agent: fixed", "customer: ok", "customer: cheers"), Pass, 3, "score +2"},
		{"the customer wrote nothing", transcript("", "agent: Hi! Your app crashed, update please."), NA, 0, "wrote nothing"},
		{"German has no lexicon", transcript("de-DE", "customer: Super, die Lieferung ist angekommen"), NA, 0, "no sentiment lexicon for the conversation's language (de)"},
		{"French has no lexicon", transcript("fr-FR", "customer: Merci, le retard est réglé"), NA, 0, "(fr)"},
		{"an English locale is read", transcript("en-GB", "customer: x", "customer: useless, awful"), Fail, 2, "useless -2"},
	})
	checkIn(t, "de", config.AutoCheck{Name: "end_sentiment"}, []verdictCase{
		{"a conversation without a locale is in the default language", transcript("", "customer: Super, die Lieferung ist angekommen"), NA, 0, "(de)"},
	})
	th := -5.0
	check(t, config.AutoCheck{Name: "end_sentiment", Messages: 1, Threshold: &th}, []verdictCase{
		{"one message, lower threshold", transcript("", "customer: awful awful", "customer: ridiculous"), Pass, 2, "last 1 message"},
	})
}
