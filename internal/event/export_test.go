package event

// For the tests of package event_test, which use packages that import event.

// DecodeFast is decodeFast followed by Validate: what Decode takes from
// the fast path.
func DecodeFast(raw []byte) (Event, bool) {
	var ev Event
	return ev, decodeFast(raw, &ev) && ev.Validate() == nil
}

// DecodeGeneral is the general path of Decode alone.
var DecodeGeneral = decodeGeneral

// ContractCorpus is the raw events of the contract tests, valid and not.
func ContractCorpus() []string {
	var out []string
	for _, c := range append(append([]contractCase{}, strict...), rejects...) {
		out = append(out, c.raw)
	}
	return append(out, valid, typical)
}

var Typical = typical
