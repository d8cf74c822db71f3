// Calls a Next.js route handler in-process with a real Request, as Next would.
import { peerHeaderName } from "@/lib/server/client-address";

type Handler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

export interface CallOptions<P> {
  method?: string;
  path: string;
  key?: string | null;
  headers?: Record<string, string>;
  /** Objects are JSON-encoded; strings are sent as-is (for malformed JSON tests). */
  body?: unknown;
  params?: P;
}

let calls = 0;

export async function callRoute<P = Record<string, never>>(
  handler: Handler<P>,
  opts: CallOptions<P>,
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const method = opts.method ?? "GET";
  // As lib/server/peer-stamp.ts does in the server: the socket's address, here a fresh one per
  // call (unless given), so the per-address throttles stay out of tests that are not about them.
  const n = ++calls;
  headers[peerHeaderName()] ??= `198.18.${(n >> 8) & 255}.${n & 255}`;
  // A browser sends Origin with every POST/PUT/PATCH/DELETE; `origin: ""` sends none.
  if (!["GET", "HEAD", "OPTIONS"].includes(method)) headers.origin ??= "http://localhost";
  if (headers.origin === "") delete headers.origin;
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const req = new Request(`http://localhost${opts.path}`, { method, headers, body });
  const res = await handler(req, { params: Promise.resolve((opts.params ?? {}) as P) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // non-JSON bodies (CSV, metrics) stay text
  }
  return { status: res.status, headers: res.headers, body: parsed };
}
