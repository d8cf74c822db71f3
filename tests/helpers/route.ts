// Calls a Next.js route handler in-process with a real Request, as Next would.
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

export async function callRoute<P = Record<string, never>>(
  handler: Handler<P>,
  opts: CallOptions<P>,
): Promise<{ status: number; headers: Headers; body: any }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const req = new Request(`http://localhost${opts.path}`, { method: opts.method ?? "GET", headers, body });
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
