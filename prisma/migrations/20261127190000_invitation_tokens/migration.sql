-- Invitations are accepted only with the secret from their invite link (lib/team/invite-member.ts):
-- the SHA-256 of that secret and an expiry.
-- Pending invitations created before this migration have no secret and cannot be accepted
-- safely (sign-up accepted them for anyone claiming the email), so they are deleted: an
-- admin re-invites to get a link.
DELETE FROM "invitations";

-- AlterTable
ALTER TABLE "invitations" ADD COLUMN     "expires_at" TIMESTAMPTZ(3) NOT NULL,
ADD COLUMN     "token_hash" TEXT NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "invitations_token_hash_key" ON "invitations"("token_hash");
