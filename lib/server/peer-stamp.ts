// Stamps the socket's address onto every HTTP request before Next.js sees it, in the header
// lib/server/client-address.ts reads (`x-sm-peer-<random>`, unguessable by clients). Next.js
// gives route handlers no socket, and the `x-forwarded-for` it adds is the client's own when
// the client sent one; this is the only address a route can trust with TRUST_PROXY_HOPS=0.
//
// Installed from instrumentation.ts, which Next.js runs in the server process before it
// handles a request (`next start` and `next dev` alike). It wraps `emit` of the http and https
// server prototypes, so the server Next.js created before is covered too. Cost per request: an
// array push and a property write, no allocation besides the header entry.
import http from "node:http";
import https from "node:https";
import { peerHeaderName } from "./client-address";

const shared = globalThis as unknown as { __smPeerStampInstalled?: boolean };

export function installPeerStamp(): void {
  if (shared.__smPeerStampInstalled) return;
  shared.__smPeerStampInstalled = true;
  const name = peerHeaderName();
  for (const proto of [http.Server.prototype, https.Server.prototype] as { emit: (...a: unknown[]) => boolean }[]) {
    const original = proto.emit;
    proto.emit = function emit(this: unknown, event: unknown, req: unknown) {
      if (event === "request") stamp(req as http.IncomingMessage, name);
      // biome-ignore lint/complexity/noArguments: forwards every argument without copying them
      return Reflect.apply(original, this, arguments);
    };
  }
}

/** Exported for tests. */
export function stamp(req: http.IncomingMessage, name: string): void {
  const address = req.socket?.remoteAddress;
  if (!address) return;
  // rawHeaders feed the pages/api routes (lib/api/pages-route.ts) and Node's lazily built
  // `headers`; the write below covers `headers` already built.
  req.rawHeaders.push(name, address);
  req.headers[name] = address;
}
