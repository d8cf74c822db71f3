-- A billing-anchor change keeps the periods already drawn: the anchors a customer had before,
-- and until when each applied ([{ "untilMs", "anchorMs" }], oldest first; lib/billing/schedule.ts).
-- Null for every existing customer: their periods are those of their current anchor, as before.
ALTER TABLE "customers" ADD COLUMN "billing_anchor_history" JSONB;
