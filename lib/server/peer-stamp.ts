// Stamps the socket's address onto every HTTP request before Next.js sees it, in the header
// lib/server/client-address.ts reads (`x-sm-peer-<random>`, unguessable by clients). Next.js
// gives route handlers no socket, and the `x-forwarded-for` it adds is the client's own when
// the client sent one; this is the only address a route can trust with TRUST_PROXY_HOPS=0.
//
// Installed from instrumentation.ts, which Next.js runs in the server process before it
// handles a request (`next start` and `next dev` alike), through lib/server/request-hook.ts,
// so the server Next.js created before is covered too. Cost per request: an
// array push and a property write, no allocation besides the header entry.
import http from "node:http";
import https from "node:https";
import { log } from "@/lib/log";
import { peerHeaderName, trustProxyHops } from "./client-address";
import { hookRequests } from "./request-hook";

const shared = globalThis as unknown as { __smPeerStampInstalled?: boolean; __smProxyWarned?: boolean };

export function installPeerStamp(): void {
  if (shared.__smPeerStampInstalled) return;
  shared.__smPeerStampInstalled = true;
  const name = peerHeaderName();
  hookRequests([http.Server.prototype, https.Server.prototype], (req) => {
    stamp(req, name);
    return false;
  });
}

/** Exported for tests. */
export function stamp(req: http.IncomingMessage, name: string): void {
  const address = req.socket?.remoteAddress;
  if (!address) return;
  // rawHeaders feed the pages/api routes (lib/api/pages-route.ts) and Node's lazily built
  // `headers`; the write below covers `headers` already built.
  req.rawHeaders.push(name, address);
  req.headers[name] = address;
  if (!shared.__smProxyWarned && req.headers["x-forwarded-for"] !== undefined) warnIfBehindProxy(address);
}

/**
 * A request arriving with X-Forwarded-For while TRUST_PROXY_HOPS is 0 most likely came through
 * a proxy the setting does not count: every client behind it then shares the proxy's address,
 * and one client's failures throttle them all. Said once per process, in the log.
 */
function warnIfBehindProxy(address: string): void {
  shared.__smProxyWarned = true;
  if (trustProxyHops() !== 0) return;
  log(
    "warn",
    "requests arrive with X-Forwarded-For but TRUST_PROXY_HOPS is 0: behind a proxy, every client shares its address for the sign-in, sign-up and API-key throttles; set TRUST_PROXY_HOPS to the number of proxies (README, Production)",
    { peer: address },
  );
}
