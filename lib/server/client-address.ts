// The client address the per-process throttles key on (login, sign-up, failed API keys).
//
// Next.js route handlers get no socket and no `req.ip`. `next start` copies the socket address
// into `x-forwarded-for` only when the request has none (base-server.js:
// `req.headers['x-forwarded-for'] ??= originalRequest.socket.remoteAddress`), so whoever sends
// the header chooses the value a handler reads: it cannot be trusted on its own. The address
// the server really saw is stamped onto every request by lib/server/peer-stamp.ts (installed by
// instrumentation.ts before the first request is handled) in a header whose name holds a
// per-process random part, so no client can send it.
//
// TRUST_PROXY_HOPS (default 0) is the number of reverse proxies in front of the app that append
// to X-Forwarded-For: 0 uses the socket's address and ignores the header; N takes the Nth
// entry from the right, the one the farthest trusted proxy wrote (entries to its left are
// whatever the client sent). See "The perils of the 'real' client IP"
// (https://adam-p.ca/blog/2022/03/x-forwarded-for/): the rightmost-ish entry at a fixed trusted
// proxy count is the only one a client cannot forge.
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";

type Env = Record<string, string | undefined>;

export const MAX_TRUST_PROXY_HOPS = 10;

/** `TRUST_PROXY_HOPS`: unset or blank → 0; a whole number from 0 to 10; anything else throws, naming it. */
export function trustProxyHopsFromEnv(env: Env = process.env): number {
  const raw = env.TRUST_PROXY_HOPS?.trim();
  if (raw === undefined || raw === "") return 0;
  if (!/^\d+$/.test(raw) || Number(raw) > MAX_TRUST_PROXY_HOPS) {
    throw new Error(
      `TRUST_PROXY_HOPS must be a whole number of proxies from 1 to ${MAX_TRUST_PROXY_HOPS}, or 0 for none (use the address the server sees) (got "${raw}")`,
    );
  }
  return Number(raw);
}

// Shared through globalThis: Next.js loads this module once per bundle (instrumentation, the
// App Router routes and the pages/api routes each get their own copy), and they must agree.
const shared = globalThis as unknown as { __smPeerHeader?: string; __smTrustProxyHops?: number };

/** The header the peer stamp writes the socket's address into: `x-sm-peer-<16 random hex>`, one per process. */
export function peerHeaderName(): string {
  shared.__smPeerHeader ??= `x-sm-peer-${randomBytes(8).toString("hex")}`;
  return shared.__smPeerHeader;
}

/** TRUST_PROXY_HOPS as this process read it (once). */
export function trustProxyHops(): number {
  shared.__smTrustProxyHops ??= trustProxyHopsFromEnv();
  return shared.__smTrustProxyHops;
}

/** Forgets the cached TRUST_PROXY_HOPS (tests). */
export function resetTrustProxyHops(): void {
  shared.__smTrustProxyHops = undefined;
}

export interface HeaderSource {
  get(name: string): string | null | undefined;
}

/** Headers as a plain object (next-auth's `req.headers` in `authorize`). */
export function headerRecord(headers: Record<string, unknown> | undefined): HeaderSource {
  return {
    get(name) {
      const v = headers?.[name];
      return typeof v === "string" ? v : Array.isArray(v) ? v.join(", ") : null;
    },
  };
}

/**
 * The throttling key for the request's client: an IPv4 address, an IPv6 /64 (one subscriber
 * usually holds a whole /64, so single IPv6 addresses would cost an attacker nothing), or
 * "unknown" when the server saw no address.
 */
export function clientAddress(headers: HeaderSource, hops: number = trustProxyHops()): string {
  const peer = headers.get(peerHeaderName()) ?? null;
  if (hops === 0) return addressKey(peer);
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  // Fewer entries than proxies: the request did not come through them all (or one does not
  // append). Never take an entry the client may have written then: use the socket's address.
  return addressKey(entries.length >= hops ? entries[entries.length - hops] : peer);
}

/** `clientAddress` of a web Request. */
export function requestClientAddress(req: Request): string {
  return clientAddress(req.headers);
}

export function addressKey(raw: string | null): string {
  if (!raw) return "unknown";
  let a = raw.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(":"));
  a = a.replace(/%.*$/, ""); // an IPv6 zone id
  if (a.startsWith("::ffff:") && isIP(a.slice(7)) === 4) a = a.slice(7);
  const family = isIP(a);
  if (family === 4) return a;
  if (family === 6) return `${expandIPv6(a).slice(0, 4).join(":")}::/64`;
  return `other:${a.slice(0, 64)}`;
}

/** The eight hextets of a valid IPv6 address, without leading zeros. */
function expandIPv6(a: string): string[] {
  let s = a;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const [b0, b1, b2, b3] = v4[1].split(".").map(Number);
    s = `${s.slice(0, v4.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = s.split("::");
  const h = head ? head.split(":") : [];
  const t = tail === undefined ? [] : tail ? tail.split(":") : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  return [...h, ...fill, ...t].map((x) => Number.parseInt(x, 16).toString(16));
}
