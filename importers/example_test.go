package importers_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/parley-cx/parley/importers"
)

func ExampleParseMapping() {
	m, err := importers.ParseMapping([]byte(`
conversation_id: ticket
timestamp: {column: sent_at, format: "%d/%m/%Y %H:%M", time_zone: Europe/Paris}
type: {value: message}
role: {column: inbound, values: {"True": customer, "False": agent}}
text: body
`))
	if err != nil {
		panic(err)
	}
	rd, err := m.Open(strings.NewReader("ticket,sent_at,inbound,body\nT-1,02/03/2026 09:15,True,Where is my parcel?\nT-1,02/03/2026 09:21,False,On its way!\n"))
	if err != nil {
		panic(err)
	}
	defer rd.Close()
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		ev := rec.Event
		fmt.Println(rec.Line, ev.ConversationID, ev.OccurredAt.UTC().Format("15:04"), ev.Actor.Role, ev.Message.Text)
	}
	// Output:
	// 2 T-1 08:15 customer Where is my parcel?
	// 3 T-1 08:21 agent On its way!
}

func ExampleTWCS() {
	tweets := `tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
1,AcmeHelp,False,Tue Oct 31 22:14:00 +0000 2017,@115 Sorry! Please DM us.,,2.0
2,115,True,Tue Oct 31 22:10:47 +0000 2017,@AcmeHelp my order is late,1,
`
	rd, err := importers.TWCS{}.Open(strings.NewReader(tweets))
	if err != nil {
		panic(err)
	}
	defer rd.Close()
	for {
		rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		ev := rec.Event
		fmt.Println(ev.EventID, ev.ConversationID, ev.Actor.Role, ev.Actor.ID, ev.Queue)
	}
	// Output:
	// twcs-1 twcs-2 agent AcmeHelp AcmeHelp
	// twcs-2 twcs-2 customer 115 AcmeHelp
}
