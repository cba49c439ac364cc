-- The reply windows the warehouse was built with, by channel.
SELECT channel, window_s FROM reply_windows ORDER BY channel
