import "server-only";
import { decode } from "next-auth/jwt";
import { isSessionLive } from "./console-sessions";

// next-auth v4 cookie names; the __Secure- form is used when NEXTAUTH_URL is https.
const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

export interface CookieReader {
  get(name: string): string | undefined;
  names(): string[];
}

export function authSecret(): string {
  const secret = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set (start the app with `npm run dev` or `npm start`)");
  return secret;
}

/** Parses a Cookie header into a reader. */
export function cookieReaderFromHeader(header: string | null): CookieReader {
  const map = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      map.set(name, decodeURIComponent(raw));
    } catch {
      map.set(name, raw);
    }
  }
  return { get: (n) => map.get(n), names: () => [...map.keys()] };
}

function readSessionCookie(cookies: CookieReader): string | undefined {
  for (const name of SESSION_COOKIES) {
    const whole = cookies.get(name);
    if (whole) return whole;
    // next-auth splits tokens larger than ~4 KB into name.0, name.1, …
    const chunks = cookies
      .names()
      .filter((n) => n.startsWith(`${name}.`))
      .sort((a, b) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)));
    if (chunks.length > 0) return chunks.map((n) => cookies.get(n) ?? "").join("");
  }
  return undefined;
}

/** The decoded next-auth JWT of the session cookie, or null (absent, forged or expired). */
export async function readSessionToken(cookies: CookieReader): Promise<Record<string, unknown> | null> {
  const raw = readSessionCookie(cookies);
  if (!raw) return null;
  try {
    return (await decode({ token: raw, secret: authSecret() })) ?? null;
  } catch {
    return null;
  }
}

/**
 * The signed-in user's id from the next-auth JWT cookie, or null — also for a session that
 * was signed out (lib/auth/console-sessions.ts). The token only says who the user is; tenant
 * and role are always re-read from the database by the caller.
 */
export async function readSessionUserId(cookies: CookieReader): Promise<string | null> {
  const token = await readSessionToken(cookies);
  if (typeof token?.uid !== "string") return null;
  return (await isSessionLive(token.sid)) ? token.uid : null;
}
