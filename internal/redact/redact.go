// Package redact replaces personal data in customer text with typed placeholders: e-mail
// addresses, phone numbers, payment card numbers, IBANs, US Social Security numbers, UK
// National Insurance numbers, Spanish DNI and NIE numbers, passport numbers, dates of birth
// and IP addresses.
//
// It is tuned to keep what reviewers need: order numbers, dates, amounts and
// times are left alone. Where a kind has a checksum or numbering rules the
// candidate must pass them (Luhn for cards, ISO 13616 mod-97 for IBANs, the
// DNI control letter, HMRC's National Insurance prefixes, the SSA's rules
// for SSNs), so a random 16-digit reference is not a card. Kinds without a
// check (passport numbers, dates of birth) are only redacted right after
// the words that announce them ("passport no.", "born on", "DOB").
//
// Matching runs on a normalised copy of the text (see normalized), so
// full-width or Arabic-Indic digits, no-break spaces, zero-width spaces,
// en-dashes and a URL-encoded '@' hide nothing; the placeholder then replaces the original bytes, and the rest
// of the text (accents, emoji, spacing) comes back unchanged.
package redact

import (
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders that replace each kind of personal data.
const (
	Email    = "[email]"
	Phone    = "[phone]"
	Card     = "[card]"
	IBAN     = "[iban]"
	SSN      = "[ssn]"      // US Social Security number
	NINO     = "[nino]"     // UK National Insurance number
	DNI      = "[dni]"      // Spanish DNI or NIE
	Passport = "[passport]" // passport number
	DOB      = "[dob]"      // date of birth
	IP       = "[ip]"       // IPv4 or IPv6 address
)

// A rule finds candidates with a loose pattern and confirms each with a
// check; the checksums, not the patterns, keep false positives out.
type rule struct {
	placeholder string
	pattern     string
	// first reports whether a match can start with byte c; matches are
	// only looked for where a word or number starts with such a byte.
	// starts is first as a table.
	first  func(c byte) bool
	starts [256]bool
	// prefix is pattern anchored at the start, whole at both ends (to
	// re-test a shortened candidate).
	prefix, whole *regexp.Regexp
	// maxLen bounds the bytes a match may span (default numberLen), so a
	// text made of one long run of letters, dots and digits costs a bounded
	// try per word in it.
	maxLen int
	// standalone rules only accept a candidate that is not glued to a longer
	// number or word (Go's regexp has no look-around, so this is checked in
	// Go); the others only check that the candidate starts a word.
	standalone bool
	// spaceGlues reports whether a candidate followed by a space and a digit
	// is part of a longer number. A "+44 ..." phone or a card followed by a
	// year is complete, but "0123 4567 8901" before " 2345" is not a phone.
	// Nil: never.
	spaceGlues func(candidate string) bool
	// check confirms a candidate; nil accepts every one.
	check func(match string) bool
	// after, when set, are the words a candidate must come right after.
	after *keywords
	// minDigits and maybe let a text skip the rule: a text with fewer
	// ASCII digits, or whose ASCII-lower-cased form maybe rejects, cannot
	// hold a match. A rule with keywords also needs one of them.
	minDigits int
	maybe     func(lower string) bool
}

// compile compiles each rule's pattern and adds its keywords to what a text must hold.
func compile(rules []rule) []rule {
	for i := range rules {
		r := &rules[i]
		r.prefix = regexp.MustCompile(`^(?:` + r.pattern + `)`)
		r.whole = regexp.MustCompile(`^(?:` + r.pattern + `)$`)
		for c := range r.starts {
			r.starts[c] = r.first(byte(c))
		}
		if r.maxLen == 0 {
			r.maxLen = numberLen
		}
		if r.after != nil {
			words, own := containsAny(r.after.words...), r.maybe
			r.maybe = func(lower string) bool { return words(lower) && (own == nil || own(lower)) }
		}
	}
	return rules
}

// numberLen is more than the longest number or date any rule matches (a
// 19-digit card grouped by double spaces, a spelled-out date); emailLen
// more than an e-mail address's 254 characters, spelled out.
const (
	numberLen = 80
	emailLen  = 320
)

// keywords announce a kind of data ("passport no.", "born on"): the
// candidate must follow one of them within maxGap bytes of at most
// three words, with no digit or clause break (",;!?" or a new line) in
// between, each word a filler ("is", "on", "number", "nr.") or a name
// ("born in Leeds on"). So "born last week, order of 2026-03-02" and
// "a birthday present for 2026-03-08" hold no date of birth.
type keywords struct {
	// words are lower case; those that start or end with a letter or digit
	// must start or end a word in the text.
	words  []string
	maxGap int
}

// keywordWindow is how far before a candidate a keyword is looked for.
const keywordWindow = 64

// fillers are the words that may stand between a keyword and its value,
// in the keywords' languages.
var fillers = map[string]bool{
	"is": true, "was": true, "are": true, "my": true, "me": true, "to": true, "on": true, "at": true, "of": true,
	"the": true, "in": true, "number": true, "no.": true, "no": true, "nr.": true, "nr": true, "n°": true,
	"num": true, "id": true, "am": true, "ist": true, "der": true, "den": true, "le": true, "la": true,
	"est": true, "el": true, "es": true, "de": true, "il": true, "è": true, "op": true,
	"nummer": true, "numéro": true, "numero": true, "número": true,
}

// before reports whether one of the words ends close enough before
// start in sc's text.
func (k *keywords) before(sc *scan, start int) bool {
	lower := sc.lowered()
	from := max(0, start-keywordWindow)
	best := -1 // where the gap starts: the end of the keyword nearest start
	for _, w := range k.words {
		for end := start; end > from; {
			i := strings.LastIndex(lower[from:end], w)
			if i < 0 {
				break
			}
			i += from
			if edge(lower, i, w[0], true) && edge(lower, i+len(w), w[len(w)-1], false) {
				best = max(best, i+len(w))
				break
			}
			end = i + len(w) - 1
		}
	}
	if best < 0 {
		return false
	}
	gap := lower[best:start]
	if len(gap) > k.maxGap || strings.ContainsAny(gap, "0123456789,;!?\n") {
		return false
	}
	words := strings.Fields(sc.text[best:start])
	for _, w := range words {
		first, _ := utf8.DecodeRuneInString(w)
		if !fillers[strings.ToLower(w)] && !unicode.IsUpper(first) && strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			return false
		}
	}
	return len(words) <= 3
}

// edge reports whether a keyword whose first (or last) byte is c may start
// (or end) at i: a keyword edge that is a letter or digit must not touch
// another one, so "ni" is not found in "night".
func edge(s string, i int, c byte, start bool) bool {
	if !isAlnum(c) && c < utf8.RuneSelf {
		return true
	}
	var r rune
	switch {
	case start && i > 0:
		r, _ = utf8.DecodeLastRuneInString(s[:i])
	case !start && i < len(s):
		r, _ = utf8.DecodeRuneInString(s[i:])
	default:
		return true
	}
	return !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// E-mail addresses. The local part is written solid or spaced out letter by
// letter ("j o h n"); letters may be any script's (jörg@bücher.de).
const (
	emailLocal = `(?:[\p{L}\p{M}\p{N}_%+\-](?:[\p{L}\p{M}\p{N}._%+\-]*[\p{L}\p{M}\p{N}_%+\-])?|(?:[\p{L}\p{N}] ){2,}[\p{L}\p{N}])`
	emailLabel = `[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}\-]*[\p{L}\p{M}\p{N}])?`
	// The top-level domain prefers ASCII, so Japanese glued after ".com" stays.
	emailTLD = `(?:[A-Za-z]{2,}|[\p{L}\p{M}]{2,})`
)

// email is the pattern of an address whose "@" is written as at and whose
// dots may also be written as dot. A "." may carry a space on both sides
// ("example . com"), never on one only, which ends a sentence.
func email(at, dot string) string {
	if dot != "" {
		dot = "|" + dot
	}
	dot = `(?:\.| \. ` + dot + `)`
	return emailLocal + `(?:` + at + `)` + emailLabel + `(?:` + dot + emailLabel + `)*` + dot + emailTLD
}

// A date as people write one: numeric in any order, or with the month
// named in any language (the keyword before it makes it a date of birth,
// so the month name needs no table).
const date = `[0-9]{4}[\-/.][0-9]{1,2}[\-/.][0-9]{1,2}` +
	`|[0-9]{1,2}[\-/.][0-9]{1,2}[\-/.](?:[0-9]{4}|[0-9]{2})` +
	`|[0-9]{1,2}(?:st|nd|rd|th|er|º)?\.? (?:of |de )?\p{L}{3,10}\.?,? (?:de )?[0-9]{4}` +
	`|[0-9]{1,2}-\p{L}{3}-(?:[0-9]{4}|[0-9]{2})` +
	`|\p{L}{3,10}\.? [0-9]{1,2}(?:st|nd|rd|th)?,? [0-9]{4}`

// The words that announce each kind that has no check of its own, in the
// languages Parley's users write most (English, German, French, Spanish,
// Italian, Dutch).
var (
	birthWords = &keywords{maxGap: 24, words: []string{"born", "dob", "d.o.b", "date of birth", "birth date", "birthdate",
		"birthday", "geboren", "geb.", "geburtsdatum", "geburtstag", "fecha de nacimiento", "nacido", "nacida",
		"date de naissance", "né", "née", "data di nascita", "nato", "nata", "geboortedatum"}}
	passportWords = &keywords{maxGap: 16, words: []string{"passport", "reisepass", "pasaporte", "passeport",
		"passaporto", "paspoort", "paszport"}}
	ssnWords   = &keywords{maxGap: 24, words: []string{"ssn", "social security", "social"}}
	ninoWords  = &keywords{maxGap: 24, words: []string{"ni", "nino", "nin", "national insurance"}}
	emailWords = &keywords{maxGap: 24, words: []string{"email", "e-mail", "mail", "contact", "reach", "write",
		"address", "correo", "courriel", "adresse"}}
	// A messaging scheme glued to the number: whatsapp:447700900123.
	schemes = &keywords{words: []string{"whatsapp:", "wa:", "tel:", "sms:", "viber:", "signal:", "telegram:", "callto:"}}
	// The labels of a phone number: "Phone#: 7703743799", "mobile 4155550132".
	phoneWords = &keywords{maxGap: 16, words: []string{"phone", "telephone", "tel", "tel.", "mobile", "mob", "mob.",
		"cell", "cellphone", "whatsapp", "telefon", "telefonnummer", "handy", "handynummer", "mobil", "mobilnummer",
		"rufnummer", "téléphone", "tél", "tél.", "portable", "teléfono", "telefono", "móvil", "movil", "celular",
		"cellulare", "telefoon", "telefoonnummer", "mobiel"}}
)

// Order matters: e-mail addresses may hold digits that look like phone
// numbers and an IBAN's digits could pass for a card or phone number, so the
// more specific kinds go first; a matched span is hidden from later rules.
var rules = compile([]rule{
	{placeholder: Email, pattern: email(`@| @ `, ""), first: emailStart, maxLen: emailLen, maybe: localAt},
	{placeholder: Email, pattern: email(`(?i) ?[\(\[] ?at ?[\)\]] ?`, `(?i) ?[\(\[] ?dot ?[\)\]] ?`), first: emailStart, maxLen: emailLen,
		maybe: containsAny("(at", "[at", "( at", "[ at")},
	// "at" and "dot" as words read as an address only after "e-mail" and the like:
	// "members only at Target dot com" is not one.
	{placeholder: Email, pattern: email(`(?i) at `, `(?i) dot `), first: emailStart, maxLen: emailLen, after: emailWords,
		maybe: containsAny(" at ")},
	// Two letters, two check digits, then 11 to 30 letters and digits,
	// printed either solid or in groups of four.
	{placeholder: IBAN, pattern: `(?i)[A-Z]{2}[0-9]{2}(?:[ \-]?[A-Z0-9]{4}){2,7}(?:[ \-]?[A-Z0-9]{1,4})?`,
		first: isLetter, standalone: true, check: validIBAN, minDigits: 4, maybe: lettersDigits},
	// 13 to 19 digits, optionally in groups separated by a space, dash, dot or slash.
	{placeholder: Card, pattern: `[0-9](?:[ \-./]?[0-9]){12,18}`, first: isDigit, standalone: true, check: validCard, minDigits: 13},
	// IPv6 first: it may end in an IPv4 address (::ffff:192.0.2.128). Its
	// colons and hex letters set it apart from numbers, so only its start is
	// checked, like an e-mail address's ("IPv6 2001:db8::1").
	{placeholder: IP, pattern: `(?i)[0-9a-f]*:[0-9a-f]*:[0-9a-f:.]*[0-9a-f]`, first: hexStart, check: validIPv6, minDigits: 2,
		maybe: func(lower string) bool { return strings.Contains(lower, "::") || strings.Count(lower, ":") >= 7 }},
	{placeholder: IP, pattern: `[0-9]{1,3}(?:\.[0-9]{1,3}){3}(?::[0-9]{1,5})?`, first: isDigit, standalone: true, check: validIPv4, minDigits: 4},
	// DNI: 8 digits and a control letter; NIE: X, Y or Z, 7 digits and the letter.
	{placeholder: DNI, pattern: `(?i)[0-9]{8}-?[A-Z]|[0-9]{2}\.[0-9]{3}\.[0-9]{3}-?[A-Z]|[XYZ]-?[0-9]{7}-?[A-Z]`,
		first: dniStart, standalone: true, check: validDNI, minDigits: 7},
	// National Insurance: two prefix letters, six digits, a suffix A to D;
	// HMRC's example prefix QQ, and any other, when the words come first.
	{placeholder: NINO, pattern: nino, first: isLetter, standalone: true, check: validNINO, minDigits: 6, maybe: lettersDigits},
	{placeholder: NINO, pattern: nino, first: isLetter, standalone: true, after: ninoWords, minDigits: 6, maybe: lettersDigits},
	{placeholder: SSN, pattern: `[0-9]{3}-[0-9]{2}-[0-9]{4}|[0-9]{3} [0-9]{2} [0-9]{4}|[0-9]{3}\.[0-9]{2}\.[0-9]{4}`,
		first: isDigit, standalone: true, spaceGlues: always, check: validSSN, minDigits: 9},
	{placeholder: SSN, pattern: `[0-9]{9}`, first: isDigit, standalone: true, check: validSSN, after: ssnWords, minDigits: 9},
	// Passport numbers have no public check: 6 to 9 letters and digits, at
	// least two of them digits, right after the word.
	{placeholder: Passport, pattern: `(?i)[A-Z0-9]{6,9}`, first: isAlnum, standalone: true, check: passportShape, after: passportWords, minDigits: 2},
	{placeholder: DOB, pattern: date, first: textStart, standalone: true, check: validDate, after: birthWords, minDigits: 4},
	// The shapes people type phone numbers in: international (+CC ... or
	// 00CC ...), North American ((415) 555-0132, 415-555-0132, 1-800-555-0132,
	// 415 555 0132, 415/555-0132), national numbers with a trunk 0 (020 7946
	// 0958, 07700 900123) and French ones in pairs (06 12 34 56 78). Bare
	// digit runs without one of these shapes are order numbers, not phones.
	{placeholder: Phone, pattern: `(?:\+|00)[1-9][0-9]{0,2}(?:[ .\-]?\(?[0-9]{1,5}\)?){2,6}` +
		`|\([0-9]{3}\)[ .\-]?[0-9]{3}[ .\-][0-9]{4}` +
		`|(?:1[.\-])?[0-9]{3}[.\-][0-9]{3}[.\-][0-9]{4}|(?:1 )?[0-9]{3} [0-9]{3} [0-9]{4}|[0-9]{3}/[0-9]{3}[ .\-][0-9]{4}` +
		`|0[1-9](?: [0-9]{2}){4}|0[1-9](?:\.[0-9]{2}){4}|0[1-9](?:-[0-9]{2}){4}` +
		`|0[0-9]{2,4}[ \-]?[0-9]{3,4}[ \-]?[0-9]{3,4}`,
		first: phoneStart, standalone: true, spaceGlues: unprefixed, check: validPhone, minDigits: 8},
	// Any digits right after a messaging scheme or a phone label are a
	// phone number: a bare run ("Phone#: 7703743799") without one is more
	// often an order number.
	{placeholder: Phone, pattern: bareDigits, first: phoneStart, standalone: true, after: schemes, minDigits: 8},
	{placeholder: Phone, pattern: bareDigits, first: phoneStart, standalone: true, after: phoneWords, minDigits: 8},
})

// bareDigits is a phone number written without separators, as many digits
// as E.164 allows.
const bareDigits = `\+?[0-9]{8,15}`

// nino is the shape of a UK National Insurance number.
const nino = `(?i)[A-Z]{2} ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?[A-D]`

func always(string) bool { return true }

// The bytes each kind's matches can start with.
func isLetter(c byte) bool   { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func phoneStart(c byte) bool { return isDigit(c) || c == '+' || c == '(' }
func dniStart(c byte) bool   { return isDigit(c) || strings.IndexByte("XYZxyz", c) >= 0 }
func hexStart(c byte) bool   { return isDigit(c) || c == ':' || (c|0x20 >= 'a' && c|0x20 <= 'f') }

// textStart also accepts the first byte of a non-ASCII character (a
// letter of another script, as in a month's name).
func textStart(c byte) bool  { return isAlnum(c) || c >= 0xC0 }
func emailStart(c byte) bool { return textStart(c) || strings.IndexByte("_%+-", c) >= 0 }

// unprefixed reports whether a phone candidate lacks the "+" or "(" that
// marks where a phone number starts.
func unprefixed(c string) bool { return c[0] != '+' && c[0] != '(' }

// maxShrink bounds how many trailing groups a candidate may lose while
// looking for a valid number inside it ("+44 20 7946 0958 2" → "+44 20 7946 0958").
const maxShrink = 4

// span is a confirmed match in the normalised text.
type span struct {
	start, end  int
	placeholder string
}

// mask hides matched bytes from later rules; it is neither a letter, a
// digit nor a separator, so it reads like the edge of a placeholder.
const mask = '\x1f'

// Text returns s with every piece of personal data of the kinds above
// replaced by its placeholder. Everything else is returned unchanged.
func Text(s string) string {
	found := Find(s)
	if len(found) == 0 {
		return s
	}
	var out strings.Builder
	last := 0
	for _, f := range found {
		out.WriteString(s[last:f.Start])
		out.WriteString(f.Placeholder)
		last = f.End
	}
	out.WriteString(s[last:])
	return out.String()
}

// Found is one piece of personal data in a text.
type Found struct {
	// Placeholder names its kind: Email, Phone, Card, IBAN, ….
	Placeholder string
	// Start and End are its bytes in the original text.
	Start, End int
}

// Find locates the personal data Text replaces, in order, without
// changing the text: automatic QA uses it to tell that an agent's message
// holds a card number or IBAN.
func Find(s string) []Found {
	n, spans := find(s, len(rules))
	if len(spans) == 0 {
		return nil
	}
	// Spans never overlap (each rule sees the others' spans masked), so
	// sorting by start puts them in order.
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	out := make([]Found, 0, len(spans))
	last := 0
	for _, sp := range spans {
		from, to := n.original(sp.start, sp.end)
		// Two spans may end and start inside one character that normalises
		// to several (NFKC turns "⑫" into "12"); the first takes it whole.
		from = max(from, last)
		out = append(out, Found{Placeholder: sp.placeholder, Start: from, End: to})
		last = to
	}
	return out
}

// find runs the first upTo rules over s normalised, each seeing the spans
// of the rules before it masked, and returns the normalised text with the
// spans they matched, in rule order.
func find(s string, upTo int) (normalized, []span) {
	n := normalize(s)
	sc := &scan{text: n.text, digits: len(digits(n.text))}
	var spans []span
	for _, r := range rules[:upTo] {
		if r.skips(sc) {
			continue
		}
		found := r.apply(sc)
		sc.mask(found)
		spans = append(spans, found...)
	}
	return n, spans
}

// First returns the kind (placeholder) of the first piece of personal data
// of one of kinds in s, as Find lists them, and whether there is one. It
// runs no rule after the last of those kinds': a rule only sees the spans
// of the rules before it, so those of later rules cannot change the
// answer. Automatic QA asks it whether an agent's message holds a card
// number or an IBAN (two of the first five rules).
func First(s string, kinds ...string) (string, bool) {
	upTo := 0
	for i, r := range rules {
		if slices.Contains(kinds, r.placeholder) {
			upTo = i + 1
		}
	}
	_, spans := find(s, upTo)
	first := -1
	for i, sp := range spans {
		if slices.Contains(kinds, sp.placeholder) && (first < 0 || sp.start < spans[first].start) {
			first = i
		}
	}
	if first < 0 {
		return "", false
	}
	return spans[first].placeholder, true
}

// scan is the normalised copy of a text being redacted, with the spans
// that rules have matched so far masked.
type scan struct {
	text   string
	lower  string // text with ASCII letters lower-cased, made on first use
	digits int    // ASCII digits in the text before masking
}

// lowered returns the text with ASCII letters lower-cased; byte offsets
// are the text's.
func (sc *scan) lowered() string {
	if sc.lower == "" {
		b := []byte(sc.text)
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		sc.lower = string(b)
	}
	return sc.lower
}

// mask hides the bytes of found from later rules.
func (sc *scan) mask(found []span) {
	if len(found) == 0 {
		return
	}
	b := []byte(sc.text)
	for _, sp := range found {
		for i := sp.start; i < sp.end; i++ {
			b[i] = mask
		}
	}
	sc.text, sc.lower = string(b), ""
}

// skips reports whether the text cannot hold a match of r, so r's
// pattern need not run over it.
func (r rule) skips(sc *scan) bool {
	return sc.digits < r.minDigits || (r.maybe != nil && !r.maybe(sc.lowered()))
}

// containsAny returns a maybe that looks for any of words.
func containsAny(words ...string) func(string) bool {
	return func(lower string) bool {
		for _, w := range words {
			if strings.Contains(lower, w) {
				return true
			}
		}
		return false
	}
}

// localAt reports whether an '@' in s can be an e-mail address's: it
// follows a character of a local part ("ann@", not "@AmazonHelp" after a
// space), or stands between spaces ("john @ example . com").
func localAt(s string) bool {
	for i := strings.IndexByte(s, '@'); i >= 0; {
		if i > 0 && (emailStart(s[i-1]) || s[i-1] >= utf8.RuneSelf || s[i-1] == '.' ||
			(s[i-1] == ' ' && i+1 < len(s) && s[i+1] == ' ')) {
			return true
		}
		j := strings.IndexByte(s[i+1:], '@')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// lettersDigits reports whether s holds two letters followed by two
// digits, with at most a space between them, as IBANs ("DE89") and
// National Insurance numbers ("AB 12") start.
func lettersDigits(s string) bool {
	for i := 0; i+4 <= len(s); i++ {
		if isLetter(s[i]) && isLetter(s[i+1]) {
			j := i + 2
			if s[j] == ' ' {
				j++
			}
			if j+2 <= len(s) && isDigit(s[j]) && isDigit(s[j+1]) {
				return true
			}
		}
	}
	return false
}

// apply returns the confirmed matches of one rule. A match can only start
// where a word or number starts (standalone checks that, and so does
// wordStart), so the pattern is only tried there, anchored: a long digit
// run costs one try, and a text without a possible first byte none.
func (r rule) apply(sc *scan) []span {
	s := sc.text
	var found []span
	for pos := 0; pos < len(s); {
		start := r.nextStart(s, pos)
		if start < 0 {
			break
		}
		pos = start + 1
		loc := r.prefix.FindStringIndex(s[start:min(len(s), start+r.maxLen)])
		if loc == nil {
			continue
		}
		if end, ok := r.accept(sc, start, start+loc[1]); ok {
			found = append(found, span{start, end, r.placeholder})
			pos = end
		}
	}
	return found
}

// nextStart returns the first index from pos where a word or number starts
// (the byte before is no ASCII letter or digit) with a byte that can start
// a match, or -1.
func (r rule) nextStart(s string, pos int) int {
	for i := pos; i < len(s); i++ {
		if r.starts[s[i]] && (i == 0 || !isAlnum(s[i-1])) {
			return i
		}
	}
	return -1
}

// accept returns the end of the valid match that starts at start, trying
// the candidate s[start:end] and then shorter versions of it without its
// trailing groups, since the pattern greedily swallows a following number.
func (r rule) accept(sc *scan, start, end int) (int, bool) {
	s := sc.text
	if !r.wordStart(s, start) {
		return 0, false
	}
	for range maxShrink + 1 {
		c := s[start:end]
		glues := r.spaceGlues != nil && r.spaceGlues(c)
		if (!r.standalone || standalone(s, start, end, glues)) && r.whole.MatchString(c) && (r.check == nil || r.check(c)) {
			if r.after != nil && !r.after.before(sc, start) {
				return 0, false
			}
			return end, true
		}
		cut := strings.LastIndexAny(c, " -./")
		if cut <= 0 {
			break
		}
		end = start + cut
	}
	return 0, false
}

// wordStart reports whether an e-mail or IPv6 candidate starts a word: the
// pattern may start its search mid-word ("is j o h n @ …" would take
// "s j o h n"). Other rules check their edges in standalone.
func (r rule) wordStart(s string, start int) bool {
	if r.standalone || start == 0 {
		return true
	}
	c, _ := utf8.DecodeLastRuneInString(s[:start])
	return !unicode.IsLetter(c) && !unicode.IsDigit(c) && !strings.ContainsRune("._%+-", c)
}

// standalone reports whether s[start:end] is a token of its own rather than
// part of a longer one: not touching a letter or digit, and not joined to a
// neighbouring number by a separator (as in "#123456", "$1,234", "2026-03-29"
// or the groups of a longer digit sequence). spaceGlues says whether a
// following space and digit continue the token.
func standalone(s string, start, end int, spaceGlues bool) bool {
	if start > 0 {
		c := s[start-1]
		if isAlnum(c) || strings.IndexByte("#$", c) >= 0 {
			return false
		}
		// A "+" or "(" marks where a number starts, whatever came before
		// ("ref 02152/+380671277946").
		marked := s[start] == '+' || s[start] == '('
		if !marked && strings.IndexByte(" -.,/:", c) >= 0 && start > 1 && isDigit(s[start-2]) {
			return false
		}
	}
	if end < len(s) {
		c := s[end]
		if isAlnum(c) {
			return false
		}
		joiners := "-.,/:"
		if spaceGlues {
			joiners += " "
		}
		if strings.IndexByte(joiners, c) >= 0 && end+1 < len(s) && isDigit(s[end+1]) {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isDigit(c) || isLetter(c) }

// digits returns the ASCII digits of s, in order.
func digits(s string) []byte {
	d := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i]-'0')
		}
	}
	return d
}

// groups splits a number at its separators and reports whether it keeps
// to one kind of them: spaces and dashes, which people mix
// ("4111-1111 1111-1111"), or only dots, or only slashes; so "06.03-2026"
// is no card.
func groups(s string) ([]string, bool) {
	kind := func(c rune) rune {
		if c == '-' {
			return ' '
		}
		return c
	}
	var k rune
	same := true
	f := strings.FieldsFunc(s, func(c rune) bool {
		if !strings.ContainsRune(" -./", c) {
			return false
		}
		if k == 0 {
			k = kind(c)
		}
		same = same && kind(c) == k
		return true
	})
	return f, same
}

// validCard reports whether the digits of s form a card number: 13 to 19
// digits with a valid Luhn check digit, and not all one digit (0000 0000 ...
// passes Luhn but is a placeholder, not a card). A grouped number uses one
// kind of separator and starts with a group of at least three digits, as cards are
// printed, so "1.234.567.890.123,45" is an amount.
func validCard(s string) bool {
	d := digits(s)
	if len(d) < 13 || len(d) > 19 {
		return false
	}
	g, same := groups(s)
	if !same || len(g[0]) < 3 {
		return false
	}
	allSame := true
	for _, x := range d[1:] {
		allSame = allSame && x == d[0]
	}
	return !allSame && luhn(d)
}

// luhn reports whether the digit sequence d ends in a valid Luhn check digit.
func luhn(d []byte) bool {
	sum := 0
	for i := range d {
		x := int(d[len(d)-1-i])
		if i%2 == 1 {
			x *= 2
			if x > 9 {
				x -= 9
			}
		}
		sum += x
	}
	return sum%10 == 0
}

// validIBAN reports whether s, ignoring spaces, dashes and case, is 15 to
// 34 characters that pass the ISO 13616 mod-97 check.
func validIBAN(s string) bool {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(s))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	// Move the country code and check digits to the end, turn letters into
	// 10..35, and reduce mod 97 digit by digit to avoid big integers.
	rem := 0
	for _, c := range s[4:] + s[:4] {
		switch {
		case c >= '0' && c <= '9':
			rem = (rem*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			rem = (rem*100 + int(c-'A') + 10) % 97
		default:
			return false
		}
	}
	return rem == 1
}

// validPhone bounds the digit count to what numbering plans allow: E.164
// numbers have at most 15 digits, and none shorter than 8 are dialable
// across a region. After the international prefix 00 come a country code
// and a national number, at least 8 digits ("case 00123456" is a reference).
func validPhone(s string) bool {
	n := len(digits(s))
	if strings.HasPrefix(s, "00") {
		return n >= 10 && n <= 17
	}
	return n >= 8 && n <= 15
}

// validSSN applies the Social Security Administration's rules: the area
// (first three digits) is never 000, 666 or 900-999, the group (next two)
// never 00 and the serial (last four) never 0000.
func validSSN(s string) bool {
	d := digits(s)
	if len(d) != 9 {
		return false
	}
	area := int(d[0])*100 + int(d[1])*10 + int(d[2])
	group := d[3]*10 + d[4]
	serial := int(d[5])*1000 + int(d[6])*100 + int(d[7])*10 + int(d[8])
	return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

// validNINO applies HMRC's prefix rules: neither letter is D, F, I, Q, U
// or V, the second is not O, and BG, GB, KN, NK, NT, TN and ZZ are never
// issued.
func validNINO(s string) bool {
	p := strings.ToUpper(s[:2])
	if strings.ContainsAny(p, "DFIQUV") || p[1] == 'O' {
		return false
	}
	switch p {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	return true
}

// dniLetters is the DNI control letter of each remainder mod 23 (Real
// Decreto 1553/2005).
const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// validDNI checks a DNI's or NIE's control letter: the number (an NIE's
// X, Y or Z read as 0, 1 or 2) mod 23 picks the letter.
func validDNI(s string) bool {
	s = strings.ToUpper(s)
	n := 0
	for i, c := range s[:len(s)-1] {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int(c-'0')
		case i == 0 && c >= 'X' && c <= 'Z':
			n = int(c - 'X')
		}
	}
	return s[len(s)-1] == dniLetters[n%23]
}

// passportShape reports whether s looks like a passport number rather than
// a word: at least two digits.
func passportShape(s string) bool { return len(digits(s)) >= 2 }

// validDate reports whether s can be a date: its numbers give a month of
// 1 to 12 and a day of 1 to 31 in some order. A named month is not checked
// (the rule only runs after a birth-date keyword).
func validDate(s string) bool {
	var nums []int
	for _, f := range strings.FieldsFunc(s, func(c rune) bool { return c < '0' || c > '9' }) {
		v := 0
		for _, c := range f {
			v = v*10 + int(c-'0')
		}
		nums = append(nums, v)
	}
	day := func(v int) bool { return v >= 1 && v <= 31 }
	month := func(v int) bool { return v >= 1 && v <= 12 }
	switch {
	case len(nums) == 2: // day and year around a named month
		return day(nums[0]) || day(nums[1])
	case len(nums) != 3:
		return false
	case nums[0] > 31: // year first
		return month(nums[1]) && day(nums[2])
	default:
		return (day(nums[0]) && month(nums[1])) || (month(nums[0]) && day(nums[1]))
	}
}

// validIPv4 reports whether s is a dotted-quad IPv4 address (each part 0 to
// 255, no leading zeros), maybe with a port, so "8.4.25.906" stays a
// version number.
func validIPv4(s string) bool {
	if strings.Contains(s, ":") {
		ap, err := netip.ParseAddrPort(s)
		return err == nil && ap.Addr().Is4()
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// validIPv6 reports whether s is an IPv6 address with at least five hex
// digits, two of them decimal, so "22:10:47", "a::b" and "std::vector"
// stay text.
func validIPv6(s string) bool {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || len(digits(s)) < 2 {
		return false
	}
	return len(strings.NewReplacer(":", "", ".", "").Replace(s)) >= 5
}

// phoneID is a customer id that is a phone number and nothing else, as
// WhatsApp and SMS channels write them: 8 to 15 digits, an optional "+",
// an optional scheme ("whatsapp:447700900123").
var phoneID = regexp.MustCompile(`^((?:[A-Za-z][A-Za-z0-9+.\-]*:)?)\+?[0-9]{8,15}$`)

// ID returns a customer id as a QA reviewer may see it. A bare digit run
// in a message is more often an order number than a phone number, but a
// customer id that is only digits is the customer's phone number (a
// WhatsApp id is the number without its "+"), so it becomes [phone],
// keeping its scheme ("whatsapp:[phone]"). Any other id is redacted like
// Text: an e-mail address becomes [email], an opaque id ("cus_1a2b3c4d")
// stays.
func ID(id string) string {
	if m := phoneID.FindStringSubmatch(normalize(id).text); m != nil {
		return m[1] + Phone
	}
	return Text(id)
}
