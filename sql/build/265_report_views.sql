-- 265_report_views.sql — views `conversation_openings`, `opening_terms` and `customer_returns`,
-- and the macros the dashboards' queries share (docs/metrics.md, "Views for the dashboards").
--
-- From `messages`, `conversations`, `events` and `warehouse_info` (so after 260): views cost
-- nothing to build and are computed when read.
--
-- conversation_openings: each conversation's customer first messages, as contact-reason rules
-- read them (235_conversation_openings.sql computes the same for the build's scope): the
-- customer messages of the first burst that holds one, joined by a line feed in seq order.
CREATE OR REPLACE VIEW conversation_openings AS
SELECT conversation_id, string_agg(coalesce(text, ''), chr(10) ORDER BY seq) AS opening_text
FROM (
    SELECT conversation_id, seq, text, burst, min(burst) OVER (PARTITION BY conversation_id) AS first_customer_burst
    FROM messages
    WHERE sender_role = 'customer'
)
WHERE burst = first_customer_burst
GROUP BY conversation_id;

-- opening_terms: one row per conversation and distinct term of its first messages, for
-- emerging contact reasons: the words of opening_text (runs of Unicode letters and decimal
-- digits), lower-cased, of three characters or more, not all digits and not one of the common
-- English words below (with the pieces of contractions, "don" of don't, and of links and
-- entities: https, www, amp). A join on the words, not a lambda per word: a third less CPU.
CREATE OR REPLACE VIEW opening_terms AS
SELECT DISTINCT conversation_id, term
FROM (
    SELECT conversation_id, unnest(regexp_split_to_array(lower(opening_text), '[^\p{L}\p{Nd}]+')) AS term
    FROM conversation_openings
)
WHERE length(term) >= 3 AND NOT regexp_full_match(term, '[0-9]+') AND term NOT IN (
    'about', 'after', 'again', 'all', 'also', 'amp', 'and', 'any', 'are', 'aren', 'back', 'been', 'before', 'being',
    'but', 'can', 'cant', 'com', 'could', 'couldn', 'did', 'didn', 'does', 'doesn', 'doing', 'don', 'dont', 'for',
    'from', 'get', 'got', 'had', 'has', 'hasn', 'have', 'haven', 'hello', 'her', 'here', 'hey', 'him', 'his', 'how',
    'http', 'https', 'isn', 'its', 'just', 'know', 'like', 'more', 'much', 'need', 'not', 'now', 'one', 'only', 'our',
    'out', 'over', 'please', 'she', 'should', 'shouldn', 'some', 'still', 'than', 'thanks', 'that', 'the', 'their',
    'them', 'then', 'there', 'they', 'this', 'was', 'wasn', 'way', 'well', 'were', 'what', 'when', 'where', 'which',
    'who', 'why', 'will', 'with', 'won', 'would', 'wouldn', 'www', 'yes', 'you', 'your', 'yours'
);

-- customer_returns: for each conversation, when its customer next started a conversation
-- after this one's last event, and whether that came within 30 days. returned_30d is NULL
-- when the conversation has no customer_id, or when the customer has not come back and 30
-- days have not yet passed by the data's last event that is not in the future (the last event
-- at or before warehouse_info.built_at): not knowing yet is not "no".
CREATE OR REPLACE VIEW customer_returns AS
WITH known AS (
    SELECT max(occurred_at) AS until
    FROM events
    WHERE occurred_at <= (SELECT built_at FROM warehouse_info)
),
nxt AS (
    SELECT a.conversation_id, b.started_at AS next_started_at
    FROM conversations a
    ASOF JOIN (SELECT customer_id, started_at FROM conversations WHERE customer_id IS NOT NULL) b
        ON b.customer_id = a.customer_id AND b.started_at > a.ended_at
)
SELECT
    c.conversation_id,
    c.customer_id,
    c.ended_at,
    n.next_started_at,
    CASE WHEN c.customer_id IS NULL THEN NULL
         WHEN n.next_started_at <= c.ended_at + INTERVAL 30 DAY THEN true
         WHEN k.until >= c.ended_at + INTERVAL 30 DAY THEN false
    END AS returned_30d
FROM conversations c
LEFT JOIN nxt n USING (conversation_id)
CROSS JOIN known k;

-- in_slice(channel, queue, market, reason, want_channel, want_queue, want_market, want_reason):
-- whether a conversation is in the dashboards' slice; each wanted value '' means any. A
-- conversation without a queue or a market is in the slice '(none)' of it.
CREATE OR REPLACE MACRO in_slice(channel, queue, market, reason, want_channel, want_queue, want_market, want_reason) AS
    (want_channel = '' OR channel = want_channel)
    AND (want_queue = '' OR coalesce(queue, '(none)') = want_queue)
    AND (want_market = '' OR coalesce(market, '(none)') = want_market)
    AND (want_reason = '' OR reason = want_reason);

-- sum_micro(x): a sum of amounts (costs) a dashboard can reproduce bit for bit: each term rounded
-- to a millionth and added as an integer, so the order of the terms does not matter (as
-- sum_seconds does for durations, 201_reference.sql).
CREATE OR REPLACE MACRO sum_micro(x) AS sum(round(x * 1e6)::BIGINT) / 1e6;

-- nano(x): a score between 0 and 1 (a friction component) to a billionth, as the dashboards
-- carry it to the browser; mean_nano(x): the mean of scores between 0 and 1 (friction components), each rounded to a
-- billionth and added as an integer: exact, so it does not depend on the order of the rows.
CREATE OR REPLACE MACRO nano(x) AS round(x * 1e9) / 1e9;
CREATE OR REPLACE MACRO mean_nano(x) AS sum(round(x * 1e9)::BIGINT) / count(x) / 1e9;

-- week_of(d, first): the first day of the 7-day block of the period starting on first that
-- holds the date d (the dashboards' weekly trends count weeks from the period's first day).
CREATE OR REPLACE MACRO week_of(d, first) AS first + (7 * ((d - first) // 7))::INTEGER;
