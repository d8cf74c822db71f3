// Response compression for the Pages API routes (lib/api/pages-route.ts), with the rules of the
// middleware `next start` applies to every other route (Next's vendored `compression`):
// JSON answers vary on Accept-Encoding, and one of 1 KiB or more is gzipped (or deflated) when
// the client accepts it, except for HEAD requests and answers already encoded. Under
// `next start` the hot routes are answered before Next's router (lib/server/hot-routes.ts), so
// without this their answers would go out uncompressed; through Next.js, its middleware sees the
// Content-Encoding set here and leaves the answer alone. A 500-event ingest answer (~40 KB of
// results) is ~5 KB gzipped. Not Next's vendored middleware itself: that is an internal path of
// the `next` package, and it wraps `res.write`/`res.end` in new closures for every request, on
// the path whose per-request allocations sessions 7–9 measured (docs/ingest.md).
import { promisify } from "node:util";
import zlib from "node:zlib";

/** The compression middleware's default threshold. */
export const COMPRESS_MIN_BYTES = 1024;

type Encoding = "gzip" | "deflate";
const gzip = promisify(zlib.gzip);
const deflate = promisify(zlib.deflate);

/**
 * The coding to answer with for an Accept-Encoding header (RFC 9110 §12.5.3), as the middleware's
 * negotiator picks it among gzip, deflate and identity: the highest quality wins, ties in that
 * order. A coding not listed takes the quality of `*`; identity unlisted and no `*` takes the
 * lowest quality listed. Undefined means identity.
 */
export function chooseEncoding(header: string | string[] | undefined): Encoding | undefined {
  if (header === undefined) return undefined;
  const listed = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(",") : header).split(",")) {
    const [name, ...params] = part.split(";");
    const coding = name.trim().toLowerCase();
    if (coding === "") continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p);
      if (m) q = Math.min(1, Number(m[1]));
    }
    listed.set(coding, Math.max(q, listed.get(coding) ?? 0));
  }
  if (listed.size === 0) return undefined;
  const star = listed.get("*");
  const quality = (coding: string) => listed.get(coding) ?? star ?? 0;
  const identity = listed.get("identity") ?? star ?? Math.min(...listed.values());
  const g = quality("gzip");
  const d = quality("deflate");
  if (g > 0 && g >= d && g >= identity) return "gzip";
  if (d > 0 && d >= identity) return "deflate";
  return undefined;
}

/** Whether an answer of this type is compressed (and varies on Accept-Encoding): our JSON and text. */
export function compressible(contentType: string | null): boolean {
  return contentType !== null && /^(?:application\/(?:[\w.-]+\+)?json\s*(?:;|$)|text\/)/i.test(contentType);
}

/** The body to send and its Content-Encoding, if it is to be compressed. */
export async function encodeBody(
  body: Buffer,
  opts: { method: string; acceptEncoding: string | string[] | undefined; contentEncoding: string | null },
): Promise<{ body: Buffer; encoding?: Encoding }> {
  if (body.length < COMPRESS_MIN_BYTES || opts.method === "HEAD") return { body };
  if (opts.contentEncoding !== null && opts.contentEncoding !== "identity") return { body };
  const encoding = chooseEncoding(opts.acceptEncoding);
  if (!encoding) return { body };
  return { body: encoding === "gzip" ? await gzip(body) : await deflate(body), encoding };
}
