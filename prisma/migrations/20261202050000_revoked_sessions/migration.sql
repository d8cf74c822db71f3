-- Console sessions signed out before their JWT expired: every console request refuses a
-- token whose session id is listed here (lib/auth/console-sessions.ts). Rows are pruned once
-- no copy of the token can still be valid.
CREATE TABLE "revoked_sessions" (
    "sid" TEXT COLLATE "C" NOT NULL,
    "user_id" TEXT COLLATE "C" NOT NULL,
    "revoked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "revoked_sessions_pkey" PRIMARY KEY ("sid")
);

CREATE INDEX "revoked_sessions_expires_at_idx" ON "revoked_sessions"("expires_at");
