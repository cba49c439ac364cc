package synth

// Message templates. {slot}s are filled per conversation (see render in
// text.go); a conversation keeps the same order number, amount and date
// throughout, and a customer keeps the same e-mail, phone, card and IBAN.
// Personal data appears only through {email}, {phone}, {card} and {iban};
// every other number ({order}, {invoice}, {amount}, {date}, {ticket},
// {version}, {pos}, {minutes}) is chosen so that it never looks like one.

type intentText struct {
	topic     string   // how the bot names the topic
	keyword   []string // the customer's answer to the bot's clarifying question
	open      []string // first customer message
	more      []string // answers to an agent's question
	botAnswer []string // the bot's self-service answer
	ask       []string // an agent's question or progress update
	fix       []string // an agent's resolution
	note      []string // an agent's private note
	proactive string   // agent-opened conversation's first message; "" if never proactive
}

var texts = [numIntents]intentText{
	iOrderStatus: {
		topic:   "tracking an order",
		keyword: []string{"where is my order", "order status", "tracking", "yes, my order {order}"},
		open: []string{
			"Hi, where is my order {order}? I ordered it on {date} and it still hasn't arrived.",
			"hello I ordered something on {date} and still no tracking info",
			"Can you tell me when order {order} will be delivered?",
			"My parcel hasn't moved in the tracking for 3 days. Order {order}.",
			"Hi there, any update on {order}? Need it before the weekend",
		},
		more: []string{
			"It's order {order}, placed on {date}.",
			"The tracking page just says 'label created'.",
			"I paid {amount} for express delivery so I expected it sooner.",
			"Yes that's the right address.",
			"ok, the order number is {order}",
		},
		botAnswer: []string{
			"Order {order} left our warehouse on {date} and is with the courier. You can follow it at https://track.parley.example",
			"I found your order. It's in transit and should arrive within 2 working days.",
		},
		ask: []string{
			"Thanks {name}. Could you confirm the order number and the delivery postcode for me?",
			"I can see order {order} — it was handed to the courier on {date}. Let me check where it is now.",
			"The courier shows a delay at their depot. I'm asking them for a new delivery date, bear with me.",
		},
		fix: []string{
			"Good news: the courier has it out for delivery tomorrow. I've also refunded the {amount} delivery fee for the delay.",
			"Your order {order} is now scheduled for delivery on Friday. You'll get a text with a time slot the day before.",
			"I've upgraded the shipment to express at no cost, it should be with you within 48 hours.",
		},
		note: []string{
			"Courier scan missing since depot. Raised trace with carrier ref {ticket}.",
			"Checked WMS: {order} picked and packed, awaiting collection.",
		},
	},
	iReturnRefund: {
		topic:   "returns and refunds",
		keyword: []string{"return", "I want a refund", "refund please", "returning an item"},
		open: []string{
			"I want to return the shoes from order {order}, they don't fit.",
			"Hi, I sent back my return two weeks ago and still haven't been refunded {amount}.",
			"How do I return an item? The return label isn't in the box.",
			"My refund for {order} is taking forever. Where is it??",
		},
		more: []string{
			"I dropped it off at the post office on {date}.",
			"It was {amount}, paid by card.",
			"Order {order}. I still have the receipt from the drop-off.",
			"Size was wrong, I'd like the money back rather than an exchange.",
		},
		botAnswer: []string{
			"You can start a return from your orders page within 30 days. Refunds reach your account 3-5 working days after we receive the item.",
			"Here's how returns work: https://help.parley.example/returns — would you like me to create a return label for order {order}?",
		},
		ask: []string{
			"Sorry about that, {name}. Which item from order {order} would you like to return?",
			"I can see the return was scanned on {date}. Let me check with the warehouse whether it has been processed.",
			"Could you tell me whether you'd prefer a refund or an exchange?",
		},
		fix: []string{
			"I've issued the refund of {amount} to your original payment method. It can take 3-5 working days to show.",
			"A prepaid return label is on its way to your email. Once we receive the item the refund of {amount} goes out automatically.",
			"The warehouse has processed your return and the refund of {amount} was sent today.",
		},
		note: []string{
			"Return {ticket} received {date}, stuck in QC. Released manually.",
			"Refund approved outside policy (3 days late) as goodwill.",
		},
	},
	iDeliveryProblem: {
		topic:   "a problem with a delivery",
		keyword: []string{"damaged item", "wrong item", "parcel missing", "delivery problem"},
		open: []string{
			"My parcel arrived damaged. The box was crushed and the glass is broken.",
			"Tracking says delivered but there is nothing here!",
			"I received the wrong item in order {order}.",
			"Half of my order is missing. I only got 2 of the 3 items.",
		},
		more: []string{
			"I can send photos if you need them.",
			"I checked with the neighbours, nobody has it.",
			"The item in the box is a blue one, I ordered black.",
			"It was supposed to be a birthday present for {date} 😞",
		},
		botAnswer: []string{
			"I'm sorry your delivery went wrong. If it's marked delivered, please check safe places and with neighbours — couriers sometimes leave parcels there.",
			"For damaged items you can request a replacement from your orders page by uploading a photo.",
		},
		ask: []string{
			"I'm really sorry to hear that, {name}. Could you send me a photo of the item and the packaging?",
			"Thanks. I've opened an investigation with the courier for order {order}.",
			"Can you confirm the delivery address on the order is correct?",
		},
		fix: []string{
			"I've sent a replacement on express delivery, no need to return the damaged one.",
			"The courier confirmed they lost the parcel. I've refunded {amount} in full.",
			"The missing item ships today from our other warehouse, you'll have it within 2 working days.",
		},
		note: []string{
			"Courier claim opened, ref {ticket}. Photo evidence attached.",
			"Third delivery issue for this address this quarter; flagged to logistics.",
		},
		proactive: "Hi {name}, {agent} here from the Orders team. Your order {order} is delayed at the courier's depot; it was sent on {date} and we now expect it within 3 working days. Reply here if you'd rather have a refund.",
	},
	iPaymentFailed: {
		topic:   "a failed payment",
		keyword: []string{"payment failed", "card declined", "can't pay", "payment"},
		open: []string{
			"My payment keeps failing at checkout but my card works everywhere else.",
			"Why was my card declined? I have enough money on it.",
			"I tried to pay {amount} three times and it fails every time",
			"Subscription payment failed and now my account says past due??",
		},
		more: []string{
			"It's a Visa debit. The card number is {card} if that helps.",
			"The error says 'payment could not be authorised'.",
			"I've tried two different cards now.",
			"Can I pay by bank transfer instead? My IBAN is {iban}.",
			"It was {amount}, on {date}.",
		},
		botAnswer: []string{
			"Payments usually fail when the billing address doesn't match the card or when your bank needs extra verification. Please check your banking app for a confirmation request.",
			"You can update your payment method under Account > Billing. Would you like a link?",
		},
		ask: []string{
			"Thanks for waiting, {name}. Please don't share full card numbers here — I only need the last four digits. Which card are you using?",
			"I can see the attempts on {date}. The bank declined them with a 'do not honour' code. Let me check our side too.",
			"Could you try again now? I've cleared the failed authorisations on our side.",
		},
		fix: []string{
			"I've re-run the payment of {amount} and it went through. Your account is active again.",
			"The decline came from your bank's fraud check. Once you approve it in your banking app the payment will go through — I've extended your grace period by 7 days.",
			"I've switched your account to pay by invoice for this month, reference {invoice}.",
		},
		note: []string{
			"Customer posted full PAN in chat, message flagged for redaction.",
			"3DS challenge timing out for this BIN since the {version} checkout release.",
		},
		proactive: "Hi {name}, this is {agent} from Billing. Your payment of {amount} on {date} didn't go through. Reply here and I can help you sort it out.",
	},
	iInvoiceQuestion: {
		topic:   "invoices and receipts",
		keyword: []string{"invoice", "I need a receipt", "VAT invoice", "billing question"},
		open: []string{
			"I need an invoice with our company VAT number for order {order}.",
			"Where can I download my invoices?",
			"The invoice {invoice} shows the wrong billing address.",
			"Why is my invoice for this month {amount}? It's usually less.",
		},
		more: []string{
			"Company is Northwind Ltd, same address as on the account.",
			"It's invoice {invoice} from {date}.",
			"I need it by Friday for our accounts team.",
		},
		botAnswer: []string{
			"You can download all invoices under Account > Billing > Invoices. Business customers can add a VAT number there too.",
			"Your latest invoice is {invoice}, dated {date}, for {amount}.",
		},
		ask: []string{
			"Of course, {name}. Which invoice do you need changed, and what should the billing address be?",
			"Looking at invoice {invoice}, the extra charge is the annual add-on that renewed on {date}.",
		},
		fix: []string{
			"I've reissued invoice {invoice} with the corrected details and sent it to your account email.",
			"Done — the VAT number is on your account now and all future invoices will include it.",
			"The difference was the add-on renewal. I've attached a breakdown to invoice {invoice}.",
		},
		note: []string{"Reissued {invoice}; original voided in billing system."},
	},
	iDoubleCharge: {
		topic:   "being charged twice",
		keyword: []string{"charged twice", "double charge", "duplicate payment", "wrong amount charged"},
		open: []string{
			"I've been charged TWICE for the same order!! {amount} two times on {date}",
			"There are two payments of {amount} on my statement for order {order}.",
			"Why did you take money twice? I want the second payment back now",
		},
		more: []string{
			"Both show as completed in my bank app, not pending.",
			"The payments went out of account {iban}.",
			"Card ending in 4417. Both charges on {date}.",
			"I need this money back, I'm going to be overdrawn.",
		},
		botAnswer: []string{
			"Sometimes a second charge is only a temporary authorisation that disappears within 5 working days. If both charges show as completed, I can pass you to our billing team.",
		},
		ask: []string{
			"I'm sorry about this, {name}. Can you tell me the date and amount of both charges as they appear on your statement?",
			"I can see two captures for order {order}. I need to check with our payments team before I can refund one.",
		},
		fix: []string{
			"Confirmed: the second charge was a duplicate. I've refunded {amount}; it should be back in 3-5 working days.",
			"The second payment was an authorisation hold and has now been released by our side. It will disappear from your statement within 2 days.",
		},
		note: []string{
			"Duplicate capture on {order}, PSP ref {ticket}. Needs T2 refund permission.",
			"Second charge is an auth hold, not a capture. Explained to customer.",
		},
	},
	iCancelSubscription: {
		topic:   "cancelling a subscription",
		keyword: []string{"cancel", "cancel my subscription", "stop my plan", "unsubscribe"},
		open: []string{
			"I'd like to cancel my subscription please.",
			"How do I cancel? I can't find the option anywhere.",
			"Cancel my plan and refund this month, I haven't used it.",
			"I was charged {amount} after I cancelled!",
		},
		more: []string{
			"It's just too expensive for me right now.",
			"I cancelled on {date}, I have the confirmation email.",
			"No, I don't want a discount, just cancel it.",
		},
		botAnswer: []string{
			"You can cancel any time under Account > Subscription > Cancel plan. You keep access until the end of the billing period.",
		},
		ask: []string{
			"Sorry to see you go, {name}. May I ask why you're cancelling? I might be able to help.",
			"I can see a cancellation request on {date}, but it wasn't completed. Let me look into why.",
		},
		fix: []string{
			"Your subscription is cancelled. You'll keep access until the end of this billing period and won't be charged again.",
			"I've cancelled the plan and refunded the {amount} charged after your cancellation.",
		},
		note: []string{"Retention offer declined. Cancelled and refunded last cycle."},
	},
	iPasswordReset: {
		topic:   "resetting your password",
		keyword: []string{"password", "reset password", "can't log in", "forgot my password"},
		open: []string{
			"I forgot my password and the reset email never arrives.",
			"can't log in",
			"Password reset link says expired every time I click it",
			"How do I change my password?",
		},
		more: []string{
			"The email on the account is {email}.",
			"I checked spam, nothing there.",
			"I'm on the app version {version}.",
			"It's still not working",
		},
		botAnswer: []string{
			"You can reset your password here: https://account.parley.example/reset. The link is valid for 30 minutes.",
			"I've sent a new reset link to the email on your account. Please check your spam folder too.",
		},
		ask: []string{
			"Happy to help, {name}. Which email address did you sign up with?",
			"Thanks. I can see the reset emails bounced — is there a typo in the address on file?",
		},
		fix: []string{
			"I've corrected the email on your account and sent a fresh reset link. It's valid for 30 minutes.",
			"I've reset it from our side; you'll get a temporary password by email. Please change it after logging in.",
		},
		note: []string{"Reset emails soft-bouncing, mailbox full. Verified identity via last order {order}."},
	},
	iAccountLocked: {
		topic:   "a locked account",
		keyword: []string{"account locked", "locked out", "suspended account", "security"},
		open: []string{
			"My account has been locked and I don't know why.",
			"It says my account is suspended for suspicious activity??",
			"Locked out after too many attempts, please unlock",
			"Someone changed my email address, I think I've been hacked",
		},
		more: []string{
			"I didn't change anything. My number is {phone} if you need to call.",
			"My old email was {email}.",
			"Last time I logged in was {date}.",
			"Yes I can verify, my last order was {order} for {amount}.",
		},
		botAnswer: []string{
			"For your security, accounts lock after 5 failed logins and unlock automatically after 30 minutes.",
		},
		ask: []string{
			"I'm sorry, {name}. For your security I need to verify you first: what was the amount of your last order?",
			"Thanks, that matches. I can see logins from a new device on {date}. I'm checking them with our security team.",
		},
		fix: []string{
			"Your account is unlocked and I've signed out every other device. Please set a new password and turn on two-step verification.",
			"I've restored your original email address and locked out the unknown device. You're all set.",
		},
		note: []string{
			"Possible ATO: email changed {date} from new IP. Escalate per security runbook.",
			"Identity verified with last order amount.",
		},
	},
	iUpdateDetails: {
		topic:   "updating your account details",
		keyword: []string{"change my address", "update email", "update phone number", "account details"},
		open: []string{
			"I need to change the email on my account to {email}",
			"Please update my phone number to {phone}.",
			"How do I change my delivery address?",
			"I moved house on {date}, can you update my address",
		},
		more: []string{
			"New number is {phone}.",
			"The new email is {email}, thanks.",
			"Yes please update it for future orders too.",
		},
		botAnswer: []string{
			"You can change your email, phone number and addresses under Account > Profile.",
		},
		ask: []string{
			"Sure, {name}. Could you confirm the new details you'd like on the account?",
			"Thanks. For security I'll send a confirmation code to your current email first.",
		},
		fix: []string{
			"All updated. You'll get a confirmation email in a minute.",
			"Done — your details are changed and the pending order {order} will go to the new address too.",
		},
		note: []string{"Updated contact details after verifying the code."},
	},
	iAppBug: {
		topic:   "a problem with the app",
		keyword: []string{"app crashes", "bug", "app not working", "error in the app"},
		open: []string{
			"The app crashes every time I open my orders page.",
			"Since the last update ({version}) the app won't load at all",
			"I get 'Something went wrong (error 502)' when I try to check out",
			"The app logs me out every few minutes, it's driving me crazy",
		},
		more: []string{
			"I'm on a {device}, app version {version}.",
			"Yes I already reinstalled it. Same thing.",
			"It started on {date}.",
			"Here is what it says: \"Unexpected error, please try again\"",
		},
		botAnswer: []string{
			"Please make sure you're on the latest app version and try clearing the app's cache. That fixes most crashes.",
		},
		ask: []string{
			"Sorry about that, {name}. Which device and app version are you using?",
			"Thanks. Could you try logging out and back in, then tell me whether the error still appears?",
			"I've reproduced it on our side with version {version}. Let me get our developers to look.",
		},
		fix: []string{
			"Our developers released a fix in version 4.19.2 — please update from the app store and it should work again.",
			"I've cleared the broken session on our side; the app should load normally now.",
			"The crash is a known issue on {device}. The workaround is to turn off 'reduce motion' until the fix ships next week.",
		},
		note: []string{
			"Crash reproduced on {version}; linked to bug ticket {ticket}.",
			"Logs show token refresh loop. Pinged mobile team.",
		},
		proactive: "Hi {name}, we noticed the app crashed several times on your {device} after updating to {version}. Version 4.19.2 fixes this. Did updating help?",
	},
	iConnectivity: {
		topic:   "a service outage",
		keyword: []string{"site is down", "can't connect", "outage", "nothing loads"},
		open: []string{
			"Is the site down? Nothing loads.",
			"I can't connect to my account, is there an outage?",
			"Your website keeps timing out",
			"Everything is broken. Is it just me?",
		},
		more: []string{
			"Been like this for an hour now.",
			"Tried on wifi and on mobile data.",
			"I really need to get into my account today.",
		},
		botAnswer: []string{
			"We're aware of a problem affecting some customers and our engineers are working on it. You can follow updates on https://status.parley.example",
		},
		ask: []string{
			"Thanks for letting us know, {name}. We're seeing connection problems on our side too. Are you getting an error message?",
			"Our engineers are on it. I'll update you here as soon as I hear more.",
		},
		fix: []string{
			"The issue is fixed and everything is back up. Sorry for the trouble!",
			"Service is restored. If it still doesn't load for you, please clear your browser cache.",
		},
		note: []string{"Linked to incident {ticket}. Mass response macro used."},
	},
}

// Texts shared by every intent.
var (
	botGreet = []string{
		"Hi{comma_name}! I'm Parley's virtual assistant. Is your question about {topic}?",
		"Hello! I'm the Parley assistant 🤖 I can help with most questions. It looks like this is about {topic} — is that right?",
	}
	botConnect = []string{
		"Thanks for your patience. I'm connecting you with our {team} team — someone will be with you shortly.",
		"I'll pass you to a member of the {team} team now. Please stay in this chat.",
	}
	botBye = []string{
		"Glad I could help! I'll close this chat now. Have a great day!",
		"Great! If anything else comes up, just message us again.",
	}
	custWantHuman = []string{"I want to talk to a real person", "agent", "None of that helps. Human please.", "Can I speak to someone?", "talk to agent"}
	custBotThanks = []string{"That worked, thanks!", "ok thanks", "perfect, thank you", "Got it, cheers"}
	custThanks    = []string{"Thanks, that's all!", "Perfect, thank you {agent}", "ok thanks", "Great, cheers", "Brilliant, thanks for your help", "thank you so much 🙏"}
	custWaitNudge = []string{"Hello?", "Is anyone there?", "Still waiting...", "hello?? it's been ages", "Can someone please reply", "??", "I've been waiting {minutes} minutes"}
	custGiveUp    = []string{"Forget it.", "Never mind, I'll call instead.", "This is ridiculous, I'm leaving.", "nvm"}
	custReopen    = []string{
		"Hi, I'm back — this still isn't sorted.",
		"The problem came back again.",
		"Following up on my earlier chat about {order}: nothing has changed.",
		"You said it was fixed but it isn't.",
	}
	custProactiveReply = []string{"Thanks for letting me know. What do I need to do?", "Yes please, can you help?", "Hi, yes that's still a problem", "Oh, I hadn't noticed. Please sort it out."}
	// custExtra are the later messages of a burst: people write in pieces.
	custExtra = []string{
		"Also I already tried that.",
		"Sorry, forgot to say: it's order {order}",
		"Thanks in advance",
		"This is the second time this month!!",
		"please help",
		"My email is {email} if you need it.",
		"You can call me on {phone}",
		"I need this sorted today",
		"It was {amount}",
		"since {date}",
		"?",
		"my card is {card}",
	}
	agentAutoGreet = []string{"Hi {name}, you're now chatting with {agent} from {team}.", "{agent} has joined the conversation."}
	agentNudge     = []string{"Are you still there, {name}?", "Just checking in — do you still need help with this?", "Hi {name}, are you still with me?"}
	agentClose     = []string{"I haven't heard back, so I'll close this chat for now. Just message us again if you need anything.", "Closing this conversation as we haven't heard from you. We're here if you need us!"}
	agentTransfer  = []string{"This one is for our {team} team — I'm transferring you now, they'll pick it up from here.", "I'm moving you to {team}, who can sort this out for you. Please bear with us."}
	agentEscalate  = []string{"I'm escalating this to our {team}, who can look into it in more detail. They'll reply here.", "I need a specialist for this one, so I'm passing it to our {team}. Sorry for the extra wait."}
	noteTransfer   = []string{"Misrouted, needs {team}.", "Not ours — moving to {team}."}
	noteEscalate   = []string{"Tier 1 checks done, no fix. Escalating.", "Needs permissions I don't have. Escalating with summary above."}
	agentEmailSign = "Kind regards,\n{agent}\nParley Support"
	sysAutoReply   = map[pace]string{
		paceEmail: "Thanks for contacting Parley Support. We've received your email and will reply within 24 hours. Your reference is #{ticket}.",
		paceAsync: "Thanks for your message! An agent will reply here shortly.",
	}
	sysQueuePos = "All our agents are busy right now. You are number {pos} in the queue."
	// hostile strings some customers paste; every consumer must show them as text.
	hostile = []string{
		"<script>alert(1)</script>",
		"\"><img src=x onerror=alert(1)>",
		"Robert'); DROP TABLE conversations;--",
		"He said \"it's fine\" & left </div>",
		"{{7*7}} ${7*7} %s %d",
		"<b>URGENT</b> ../../etc/passwd",
	}
)

// Names. agentFirst/agentLast are ASCII, as agent ids are built from them;
// customer names carry their accents and an ASCII form for e-mail addresses.
var (
	agentFirst = []string{"Maria", "James", "Aisha", "Tom", "Priya", "Lukas", "Chloe", "Daniel", "Sofia", "Kwame", "Emma", "Oliver", "Hannah", "Marco", "Elena", "Ryan", "Fatima", "Jonas", "Grace", "Ben", "Yuki", "Sanne", "Hugo", "Olga", "Liam", "Zara", "Noah", "Mia", "Wei", "Sarah"}
	agentLast  = []string{"Garcia", "Smith", "Khan", "Murphy", "Patel", "Schmidt", "Dubois", "Jones", "Rossi", "Mensah", "Brown", "Kelly", "Fischer", "Bianchi", "Lopez", "Walsh", "Ahmed", "Weber", "Taylor", "Clarke", "Tanaka", "Visser", "Martin", "Novak", "Byrne", "Hussain", "Wilson", "Jansen", "Chen", "Evans"}
	custFirst  = [][2]string{
		{"Anna", "anna"}, {"James", "james"}, {"Sofía", "sofia"}, {"Mohammed", "mohammed"}, {"Chloé", "chloe"}, {"Lukas", "lukas"},
		{"Aoife", "aoife"}, {"Priya", "priya"}, {"Daniel", "daniel"}, {"Emma", "emma"}, {"Oliver", "oliver"}, {"Amelia", "amelia"},
		{"Noah", "noah"}, {"Fatima", "fatima"}, {"Liam", "liam"}, {"Léa", "lea"}, {"Jürgen", "juergen"}, {"Zoë", "zoe"},
		{"Lucas", "lucas"}, {"Isabella", "isabella"}, {"Siobhán", "siobhan"}, {"Mateo", "mateo"}, {"Sanne", "sanne"}, {"Daan", "daan"},
		{"Wei", "wei"}, {"Yuki", "yuki"}, {"Olga", "olga"}, {"Kwame", "kwame"}, {"Grace", "grace"}, {"Björn", "bjoern"},
		{"Marta", "marta"}, {"Ahmed", "ahmed"}, {"Ella", "ella"}, {"Jack", "jack"}, {"Nina", "nina"}, {"Tomás", "tomas"},
	}
	custLast = [][2]string{
		{"Smith", "smith"}, {"Jones", "jones"}, {"Murphy", "murphy"}, {"Schmidt", "schmidt"}, {"Müller", "mueller"}, {"García", "garcia"},
		{"Martin", "martin"}, {"Dubois", "dubois"}, {"de Vries", "devries"}, {"Jansen", "jansen"}, {"Khan", "khan"}, {"Patel", "patel"},
		{"Nguyen", "nguyen"}, {"O'Brien", "obrien"}, {"Kowalski", "kowalski"}, {"Rossi", "rossi"}, {"Silva", "silva"}, {"Chen", "chen"},
		{"Okafor", "okafor"}, {"Williams", "williams"}, {"Brown", "brown"}, {"Taylor", "taylor"}, {"Fischer", "fischer"}, {"López", "lopez"},
		{"Bernard", "bernard"}, {"Visser", "visser"}, {"Ahmed", "ahmed"}, {"Kelly", "kelly"}, {"Novak", "novak"}, {"Andersson", "andersson"},
	}
	emailDomains = []string{"example.com", "example.org", "example.net", "mail.example.com"}
	devices      = []string{"iPhone 15", "iPhone 12", "Pixel 8", "Galaxy S23", "Galaxy A54", "iPad Air", "OnePlus 11"}
)
