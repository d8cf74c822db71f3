import "server-only";
import { loginSucceeded, reserveLoginAttempt } from "@/lib/auth/login-throttle";
import { db } from "@/lib/db/client";
import { hashPassword, verifyPassword } from "./password";

// Compared against when the email is unknown, so both paths cost one bcrypt round.
let dummyHash: Promise<string> | undefined;

/**
 * The user for an email + password, or null. Never says which of the two was wrong.
 * `address` is the client's (lib/server/client-address.ts), for the login throttle.
 */
export async function verifyCredentials(
  emailInput: string,
  password: string,
  address: string,
): Promise<{ id: string; email: string; name: string | null } | null> {
  const email = emailInput.trim().toLowerCase();
  if (!email || !password || Buffer.byteLength(password, "utf8") > 72) return null;
  // Counted as a failure from here until the password matches (lib/auth/login-throttle.ts).
  if (!reserveLoginAttempt(email, address)) return null;
  const user = await db.user.findUnique({ where: { email } });
  if (!user?.passwordHash) {
    dummyHash ??= hashPassword("not-a-real-password");
    await verifyPassword(password, await dummyHash);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  loginSucceeded(email, address);
  return { id: user.id, email: user.email, name: user.name };
}
