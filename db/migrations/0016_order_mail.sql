-- 0016: mail about money. Each mail sent for an event (an order's receipt,
-- its refund notice, an artist's sale notice or daily digest) is recorded
-- under the event's key once it was handed to the mail server, so a retried
-- job never sends it again.
CREATE TABLE sent_mail (
    mail_key VARCHAR(120) PRIMARY KEY,
    sent_at TIMESTAMPTZ NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- How an artist hears of sales: a mail for each order, one a day, or none.
ALTER TABLE users ADD COLUMN sale_mail VARCHAR(10) NOT NULL DEFAULT 'each' CHECK (sale_mail IN ('each', 'daily', 'off'));
