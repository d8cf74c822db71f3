import type { IncomingMessage, ServerResponse } from "node:http";
import { compressible, encodeBody } from "./compression";
import { allowHeader, answerOptions, methodNotAllowed, type RouteMethod } from "./other-methods";
import { DEFAULT_BODY_LIMIT, markBodyInMemory } from "./request";

type Method = RouteMethod | "OPTIONS";
/** A route handler as the App Router calls it; pages/api routes have no dynamic segments. */
type WebHandler = (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>;
const NO_PARAMS = { params: Promise.resolve({}) };

/**
 * Serves route handlers written for the App Router (a web `Request` in, a `Response` out)
 * as a Pages Router API route. The three hot routes (ingest, usage/current, projection) live
 * in pages/api for this reason alone: Next runs an App Router handler through about 1 ms more
 * CPU per request (async-storage snapshots, web streams, tracing) than a Pages API route, and
 * at 200 req/s on one server thread that is the difference between queueing and not
 * (docs/ingest.md, "Session 4"). The handlers themselves, their wrappers (withApiKey:
 * auth, request id, errors, logging) and their tests are the same as for every other route.
 * Under `next start` these handlers are called before Next's router even runs
 * (lib/server/hot-routes.ts), so they must not depend on anything Next's API resolver adds
 * to `req`/`res`: they read only the method, the raw headers, the target and the body.
 *
 * The page file must also export `config = { api: { bodyParser: false } }` (a literal: Next
 * reads it statically) so the body reaches the handler unparsed, with our own 1 MiB limit
 * and error shapes.
 */
export function servePagesRoute(
  handlers: Partial<Record<Method, WebHandler>>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  // As in the App Router: a GET handler serves HEAD, and OPTIONS is answered with `Allow`.
  const serving: Partial<Record<string, WebHandler>> = { ...handlers };
  if (handlers.GET) serving.HEAD ??= handlers.GET;
  const allow = allowHeader(Object.keys(handlers).filter((m) => m !== "OPTIONS"));
  // Every response has an x-request-id (API.md), the 405 and the OPTIONS answer too.
  const options = serving.OPTIONS ?? (async (req: Request) => answerOptions(req, allow));
  const refused = async (req: Request) => methodNotAllowed(req, allow);
  return async (req, res) => {
    const method = req.method ?? "GET";
    const handler = serving[method] ?? (method === "OPTIONS" ? options : refused);
    let request: Request;
    try {
      request = await toWebRequest(req, method);
    } catch {
      // The client went away while sending its body: nobody to answer.
      res.destroy();
      return;
    }
    await sendWebResponse(req, res, await handler(request, NO_PARAMS));
  };
}

async function toWebRequest(req: IncomingMessage, method: string): Promise<Request> {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  // Not built from the Host header: a client can put "/" and "?" in it, which rewrote the
  // path the request log shows and replaced the query string (audit 6). Only the path and the
  // query of the request target matter to these routes.
  const url = `http://localhost${targetOf(req.url)}`;
  if (method === "GET" || method === "HEAD") return new Request(url, { method, headers });
  // The body is read whole here, so the wrappers need not buffer it again (withBufferedBody).
  return markBodyInMemory(
    new Request(url, {
      method,
      headers,
      body: (await readCapped(req, DEFAULT_BODY_LIMIT)) as Uint8Array<ArrayBuffer>,
    }),
  );
}

/** The request target in origin form: an absolute-form target (`GET http://h/p`) keeps its path. */
function targetOf(raw: string | undefined): string {
  if (!raw) return "/";
  if (raw.startsWith("/")) return raw.startsWith("//") ? `/${raw.replace(/^\/+/, "")}` : raw;
  try {
    const u = new URL(raw);
    return `${u.pathname}${u.search}`;
  } catch {
    return "/";
  }
}

/**
 * The body, or its first `max + 1` bytes when it is longer: the handler's own reader
 * (readBodyText) then refuses it with a 413, as it refuses a declared content-length over
 * the limit before any byte is read here. The unread rest is drained by Node after the answer.
 */
function readCapped(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err?: Error) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", finish);
      req.off("close", onClose);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > max) {
        req.pause();
        finish();
      }
    };
    const onEnd = () => finish();
    const onClose = () => finish(new Error("request closed before its body ended"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", finish);
    req.on("close", onClose);
  });
}

/** Sends a web `Response` on a Node response, compressed as `next start` would (lib/api/compression.ts). */
export async function sendWebResponse(req: IncomingMessage, res: ServerResponse, out: Response): Promise<void> {
  res.statusCode = out.status;
  for (const [name, value] of out.headers) if (name !== "set-cookie") res.setHeader(name, value);
  const cookies = out.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  // Compressed as `next start` compresses every other route (lib/api/compression.ts).
  const compress =
    compressible(out.headers.get("content-type")) && !/no-transform/i.test(out.headers.get("cache-control") ?? "");
  if (compress) {
    const vary = out.headers.get("vary");
    if (!vary?.toLowerCase().includes("accept-encoding"))
      res.setHeader("vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
  }
  if (out.body === null) {
    res.end();
    return;
  }
  const raw = Buffer.from(await out.arrayBuffer());
  if (!compress) {
    res.end(raw);
    return;
  }
  const { body, encoding } = await encodeBody(raw, {
    method: req.method ?? "GET",
    acceptEncoding: req.headers["accept-encoding"],
    contentEncoding: out.headers.get("content-encoding"),
  });
  if (encoding) res.setHeader("content-encoding", encoding);
  res.end(body);
}
