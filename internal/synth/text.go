package synth

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/parley-cx/parley/internal/event"
)

// slot is a placeholder in a message template.
type slot uint8

const (
	slotNone slot = iota
	slotName
	slotCommaName // ", Anna", or "" where the bot does not know the name
	slotFull
	slotAgent
	slotTeam
	slotTopic
	slotOrder
	slotAmount
	slotDate
	slotEmail
	slotPhone
	slotCard
	slotIBAN
	slotInvoice
	slotVersion
	slotDevice
	slotPos
	slotTicket
	slotMinutes
)

var slotByName = map[string]slot{
	"name": slotName, "comma_name": slotCommaName, "full": slotFull, "agent": slotAgent, "team": slotTeam,
	"topic": slotTopic, "order": slotOrder, "amount": slotAmount, "date": slotDate, "email": slotEmail,
	"phone": slotPhone, "card": slotCard, "iban": slotIBAN, "invoice": slotInvoice, "version": slotVersion,
	"device": slotDevice, "pos": slotPos, "ticket": slotTicket, "minutes": slotMinutes,
}

// tmpl is a compiled template: literal text, each followed by a slot.
type tmpl []part

type part struct {
	lit  string
	slot slot
}

// compile parses "{slot}" placeholders once, so rendering is appends only.
// An unknown slot is a bug in texts.go and panics at package init.
func compile(s string) tmpl {
	var t tmpl
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return append(t, part{lit: s})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			panic(fmt.Sprintf("synth: unterminated slot in template %q", s))
		}
		sl, ok := slotByName[s[i+1:i+j]]
		if !ok {
			// Not a slot (e.g. the hostile "{{7*7}}"): keep the brace as text.
			t = append(t, part{lit: s[:i+1]})
			s = s[i+1:]
			continue
		}
		t = append(t, part{lit: s[:i], slot: sl})
		s = s[i+j+1:]
	}
}

func compileAll(ss []string) []tmpl {
	out := make([]tmpl, len(ss))
	for i, s := range ss {
		out[i] = compile(s)
	}
	return out
}

type intentTmpl struct {
	keyword, open, more, botAnswer, ask, fix, note []tmpl
	proactive                                      tmpl
}

var (
	itmpl                                                       = compileIntents()
	tBotGreet, tBotConnect, tBotBye                             = compileAll(botGreet), compileAll(botConnect), compileAll(botBye)
	tWantHuman, tBotThanks, tThanks                             = compileAll(custWantHuman), compileAll(custBotThanks), compileAll(custThanks)
	tWaitNudge, tGiveUp, tReopen, tProactiveReply               = compileAll(custWaitNudge), compileAll(custGiveUp), compileAll(custReopen), compileAll(custProactiveReply)
	tExtra                                                      = compileAll(custExtra)
	tAutoGreet, tAgentNudge, tAgentClose                        = compileAll(agentAutoGreet), compileAll(agentNudge), compileAll(agentClose)
	tTransfer, tEscalate, tNoteTransfer, tNoteEscalate          = compileAll(agentTransfer), compileAll(agentEscalate), compileAll(noteTransfer), compileAll(noteEscalate)
	tEmailSign, tAutoEmail, tAutoAsync, tQueuePos, tHostileList = compile(agentEmailSign), compile(sysAutoReply[paceEmail]), compile(sysAutoReply[paceAsync]), compile(sysQueuePos), compileAll(hostile)
)

func compileIntents() [numIntents]intentTmpl {
	var out [numIntents]intentTmpl
	for i, t := range texts {
		out[i] = intentTmpl{
			keyword: compileAll(t.keyword), open: compileAll(t.open), more: compileAll(t.more),
			botAnswer: compileAll(t.botAnswer), ask: compileAll(t.ask), fix: compileAll(t.fix), note: compileAll(t.note),
		}
		if t.proactive != "" {
			out[i].proactive = compile(t.proactive)
		}
	}
	return out
}

// customer is a person who writes in; their personal data is drawn the
// first time a message needs it and then stays the same. Names and
// categories are small indexes: a long run keeps every customer.
type customer struct {
	actor                    *event.Actor
	firstIdx, lastIdx        uint8 // into custFirst, custLast
	locale, tier             uint8
	email, phone, card, iban string
	device                   string
}

func (cu *customer) first() string      { return custFirst[cu.firstIdx][0] }
func (cu *customer) last() string       { return custLast[cu.lastIdx][0] }
func (cu *customer) firstASCII() string { return custFirst[cu.firstIdx][1] }
func (cu *customer) lastASCII() string  { return custLast[cu.lastIdx][1] }

// render fills a template for conversation c (and agent a, if any) into a new string.
func (s *sim) render(t tmpl, c *conv, a *agent) string {
	b := s.buf[:0]
	for _, p := range t {
		b = append(b, p.lit...)
		switch p.slot {
		case slotNone:
		case slotName:
			b = append(b, c.cust.first()...)
		case slotCommaName:
			if c.ch.ch == event.InApp || c.ch.pace == paceAsync { // the app and messaging profiles carry a name
				b = append(b, ", "...)
				b = append(b, c.cust.first()...)
			}
		case slotFull:
			b = append(b, c.cust.first()...)
			b = append(b, ' ')
			b = append(b, c.cust.last()...)
		case slotAgent:
			if a != nil {
				b = append(b, a.name...)
			} else {
				b = append(b, "our team"...)
			}
		case slotTeam:
			b = append(b, teamNames[s.team]...)
		case slotTopic:
			b = append(b, texts[c.intent].topic...)
		case slotOrder:
			b = append(b, s.order(c)...)
		case slotAmount:
			b = append(b, s.amount(c)...)
		case slotDate:
			b = append(b, s.date(c)...)
		case slotEmail:
			b = append(b, s.email(c.cust)...)
		case slotPhone:
			b = append(b, s.phone(c.cust)...)
		case slotCard:
			b = append(b, s.card(c.cust)...)
		case slotIBAN:
			b = append(b, s.iban(c.cust)...)
		case slotInvoice:
			b = append(b, "INV-"...)
			b = strconv.AppendInt(b, int64(time.UnixMilli(s.now).Year()), 10)
			b = append(b, '-')
			b = appendPadded(b, s.rng.IntN(10000), 4)
		case slotVersion:
			b = append(b, "4."...)
			b = strconv.AppendInt(b, int64(15+s.rng.IntN(4)), 10)
			b = append(b, '.')
			b = strconv.AppendInt(b, int64(s.rng.IntN(6)), 10)
		case slotDevice:
			if c.cust.device == "" {
				c.cust.device = devices[s.rng.IntN(len(devices))]
			}
			b = append(b, c.cust.device...)
		case slotPos:
			b = strconv.AppendInt(b, int64(s.pos), 10)
		case slotTicket:
			b = strconv.AppendInt(b, int64(100000+s.rng.IntN(900000)), 10)
		case slotMinutes:
			b = strconv.AppendInt(b, max(1, (s.now-c.waitStart)/minute), 10)
		}
	}
	s.buf = b
	return string(b)
}

func appendPadded(b []byte, v, width int) []byte {
	d := strconv.Itoa(v)
	for range width - len(d) {
		b = append(b, '0')
	}
	return append(b, d...)
}

// Ordinary numbers: shaped so that no redaction rule should ever match them.

func (s *sim) order(c *conv) string {
	if c.order == "" {
		if s.rng.IntN(2) == 0 {
			c.order = "#" + strconv.Itoa(100000+s.rng.IntN(900000))
		} else {
			c.order = "ORD-" + strconv.Itoa(10000+s.rng.IntN(90000))
		}
	}
	return c.order
}

func (s *sim) amount(c *conv) string {
	if c.amount != "" {
		return c.amount
	}
	cents := max(299, logNormal(s.rng, 4500, 0.9))
	if s.rng.IntN(2) == 0 {
		cents = cents/100*100 + 99
	}
	whole, frac := cents/100, cents%100
	group := func(sep byte) []byte {
		d := strconv.FormatInt(whole, 10)
		var b []byte
		for i := range len(d) {
			if i > 0 && (len(d)-i)%3 == 0 {
				b = append(b, sep)
			}
			b = append(b, d[i])
		}
		return b
	}
	switch locales[c.cust.locale] {
	case "en-GB":
		c.amount = fmt.Sprintf("£%s.%02d", group(','), frac)
	case "en-US":
		c.amount = fmt.Sprintf("$%s.%02d", group(','), frac)
	case "en-IE":
		c.amount = fmt.Sprintf("€%s.%02d", group(','), frac)
	case "nl-NL":
		c.amount = fmt.Sprintf("€ %s,%02d", group('.'), frac)
	default:
		c.amount = fmt.Sprintf("%s,%02d €", group('.'), frac)
	}
	return c.amount
}

func (s *sim) date(c *conv) string {
	if c.date != "" {
		return c.date
	}
	t := time.UnixMilli(s.now - int64(1+s.rng.IntN(14))*day).In(s.loc)
	switch loc := locales[c.cust.locale]; {
	case s.rng.IntN(5) < 2:
		c.date = t.Format(time.DateOnly)
	case loc == "en-US":
		c.date = t.Format("January 2")
	case strings.HasPrefix(loc, "en-"):
		c.date = t.Format("2 January")
	case loc == "de-DE":
		c.date = t.Format("02.01.2006")
	default:
		c.date = t.Format("02/01/2006")
	}
	return c.date
}

// Personal data, planted so that redaction can be proven on it: addresses
// in reserved example domains, phone numbers in shapes people type (UK
// numbers from Ofcom's drama range, US 555-01xx), Luhn-valid card numbers
// and IBANs with correct mod-97 check digits.

func (s *sim) email(cu *customer) string {
	if cu.email == "" {
		dom := emailDomains[s.rng.IntN(len(emailDomains))]
		switch s.rng.IntN(3) {
		case 0:
			cu.email = cu.firstASCII() + "." + cu.lastASCII() + "@" + dom
		case 1:
			cu.email = cu.firstASCII() + cu.lastASCII() + strconv.Itoa(10+s.rng.IntN(90)) + "@" + dom
		default:
			cu.email = cu.firstASCII() + "_" + cu.lastASCII()[:1] + strconv.Itoa(100+s.rng.IntN(900)) + "@" + dom
		}
	}
	return cu.email
}

func (s *sim) phone(cu *customer) string {
	if cu.phone != "" {
		return cu.phone
	}
	r := s.rng
	switch locales[cu.locale] {
	case "en-GB":
		if r.IntN(2) == 0 {
			cu.phone = fmt.Sprintf("+44 7700 900%03d", r.IntN(1000))
		} else {
			cu.phone = fmt.Sprintf("07700 900%03d", r.IntN(1000))
		}
	case "en-US":
		area := 201 + r.IntN(700)
		switch r.IntN(3) {
		case 0:
			cu.phone = fmt.Sprintf("+1 %d 555 01%02d", area, r.IntN(100))
		case 1:
			cu.phone = fmt.Sprintf("(%d) 555-01%02d", area, r.IntN(100))
		default:
			cu.phone = fmt.Sprintf("%d-555-01%02d", area, r.IntN(100))
		}
	case "en-IE":
		cu.phone = fmt.Sprintf("+353 85 %03d %04d", r.IntN(1000), r.IntN(10000))
	case "de-DE":
		cu.phone = fmt.Sprintf("+49 30 %04d %04d", r.IntN(10000), r.IntN(10000))
	case "fr-FR":
		cu.phone = fmt.Sprintf("+33 6 %02d %02d %02d %02d", r.IntN(100), r.IntN(100), r.IntN(100), r.IntN(100))
	case "es-ES":
		cu.phone = fmt.Sprintf("+34 6%02d %03d %03d", r.IntN(100), r.IntN(1000), r.IntN(1000))
	default:
		cu.phone = fmt.Sprintf("+31 6 %04d %04d", r.IntN(10000), r.IntN(10000))
	}
	return cu.phone
}

func (s *sim) card(cu *customer) string {
	if cu.card != "" {
		return cu.card
	}
	d := make([]byte, 16)
	if s.rng.IntN(2) == 0 {
		d[0] = '4'
	} else {
		d[0], d[1] = '5', byte('1'+s.rng.IntN(5))
	}
	for i := range 15 {
		if d[i] == 0 {
			d[i] = byte('0' + s.rng.IntN(10))
		}
	}
	d[15] = luhnDigit(d[:15])
	switch s.rng.IntN(3) {
	case 0:
		cu.card = string(d)
	case 1:
		cu.card = string(d[0:4]) + " " + string(d[4:8]) + " " + string(d[8:12]) + " " + string(d[12:16])
	default:
		cu.card = string(d[0:4]) + "-" + string(d[4:8]) + "-" + string(d[8:12]) + "-" + string(d[12:16])
	}
	return cu.card
}

// luhnDigit is the check digit that makes payload+digit pass the Luhn check.
func luhnDigit(payload []byte) byte {
	sum := 0
	for i := range payload {
		v := int(payload[len(payload)-1-i] - '0')
		if i%2 == 0 { // doubled: these positions are odd counting from the check digit
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}

// ibanFormats gives each locale's country code and BBAN shape: 'n' a digit, 'a' a capital letter.
var ibanFormats = map[string][2]string{
	"en-GB": {"GB", "aaaannnnnnnnnnnnnn"},
	"en-US": {"GB", "aaaannnnnnnnnnnnnn"},
	"en-IE": {"IE", "aaaannnnnnnnnnnnnn"},
	"de-DE": {"DE", "nnnnnnnnnnnnnnnnnn"},
	"fr-FR": {"FR", "nnnnnnnnnnnnnnnnnnnnnnn"},
	"es-ES": {"ES", "nnnnnnnnnnnnnnnnnnnn"},
	"nl-NL": {"NL", "aaaannnnnnnnnn"},
}

func (s *sim) iban(cu *customer) string {
	if cu.iban != "" {
		return cu.iban
	}
	f := ibanFormats[locales[cu.locale]]
	bban := make([]byte, len(f[1]))
	for i, k := range []byte(f[1]) {
		if k == 'a' {
			bban[i] = byte('A' + s.rng.IntN(26))
		} else {
			bban[i] = byte('0' + s.rng.IntN(10))
		}
	}
	check := ibanCheck(f[0], string(bban))
	raw := f[0] + check + string(bban)
	if s.rng.IntN(3) == 0 {
		cu.iban = raw
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(raw[i:min(i+4, len(raw))])
	}
	cu.iban = b.String()
	return cu.iban
}

// ibanCheck computes ISO 13616 check digits: 98 − (BBAN + country + "00" mod 97),
// letters counting as 10..35.
func ibanCheck(country, bban string) string {
	rem := 0
	for _, c := range bban + country + "00" {
		if c >= 'A' && c <= 'Z' {
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
		} else {
			rem = (rem*10 + int(c-'0')) % 97
		}
	}
	return fmt.Sprintf("%02d", 98-rem)
}

// newCustomer draws a person. Their id is a bijective scramble of a
// counter, so ids are unique without a lookup and still look random.
func (s *sim) newCustomer(r *rand.Rand) *customer {
	n := uint32(len(s.customers))
	id := n*0x9E3779B1 ^ uint32(s.keys[2])
	cu := &customer{
		actor:    &event.Actor{Role: event.RoleCustomer, ID: fmt.Sprintf("cus_%08x", id)},
		firstIdx: uint8(r.IntN(len(custFirst))),
		lastIdx:  uint8(r.IntN(len(custLast))),
		locale:   uint8(pick(r, localeMix)),
		tier:     uint8(pick(r, tierMix)),
	}
	s.customers = append(s.customers, cu)
	return cu
}
