-- 0021: purchases in the audio routes' access cache. A buyer's range
-- requests reuse the purchase they looked up (its license, expiry and
-- revocation) for as long as PostgreSQL reports no change to purchases: a
-- sale, a refund's revocation, a renewed pass or a redeemed code anywhere
-- empties the cache on every app server. An expiry needs no notification:
-- it is checked against the kept expires_at on every request.
CREATE TRIGGER purchases_notify_access AFTER INSERT OR UPDATE OR DELETE ON purchases
    FOR EACH STATEMENT EXECUTE FUNCTION notify_access_change();
