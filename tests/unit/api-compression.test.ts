import { gunzipSync, inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { COMPRESS_MIN_BYTES, chooseEncoding, compressible, encodeBody } from "@/lib/api/compression";

describe("chooseEncoding (Accept-Encoding, RFC 9110 §12.5.3, as Next's compression middleware negotiates)", () => {
  it("picks gzip, then deflate, by quality, ties in that order", () => {
    expect(chooseEncoding("gzip")).toBe("gzip");
    expect(chooseEncoding("gzip, deflate, br")).toBe("gzip");
    expect(chooseEncoding("deflate, gzip")).toBe("gzip");
    expect(chooseEncoding("GZIP")).toBe("gzip");
    expect(chooseEncoding(" deflate ")).toBe("deflate");
    expect(chooseEncoding("gzip;q=0.5, deflate")).toBe("deflate");
    expect(chooseEncoding("gzip; q=0.8, deflate;q=0.8")).toBe("gzip");
    expect(chooseEncoding("*")).toBe("gzip");
    expect(chooseEncoding("br, *;q=0.1")).toBe("gzip");
    expect(chooseEncoding(["br", "deflate"])).toBe("deflate");
    expect(chooseEncoding("gzip;q=0.5")).toBe("gzip"); // identity unlisted takes the lowest listed quality
    expect(chooseEncoding("gzip;q=0.1, *")).toBe("deflate"); // deflate and identity tie at 1: deflate first
  });

  it("answers identity when the client accepts neither, refuses them, or prefers identity", () => {
    for (const header of [
      undefined,
      "",
      " , ",
      "identity",
      "br",
      "gzip;q=0",
      "gzip;q=0, deflate;q=0",
      "*;q=0",
      "br, *;q=0",
      "gzip;q=0.1, identity",
      "gzip;q=0.1, identity;q=0.5",
      "x-gzip",
      "compress",
    ]) {
      expect(chooseEncoding(header), String(header)).toBeUndefined();
    }
  });

  it("ignores malformed quality values rather than failing (the coding keeps quality 1)", () => {
    expect(chooseEncoding("gzip;q=abc")).toBe("gzip");
    expect(chooseEncoding("gzip;q=2")).toBe("gzip");
    expect(chooseEncoding("gzip;level=9")).toBe("gzip");
    expect(chooseEncoding("gzip;q=0.0001")).toBe("gzip");
  });
});

describe("compressible", () => {
  it("covers JSON and text answers, nothing else", () => {
    expect(compressible("application/json")).toBe(true);
    expect(compressible("application/json; charset=utf-8")).toBe(true);
    expect(compressible("application/problem+json")).toBe(true);
    expect(compressible("text/csv; charset=utf-8")).toBe(true);
    expect(compressible(null)).toBe(false);
    expect(compressible("image/png")).toBe(false);
    expect(compressible("application/octet-stream")).toBe(false);
    expect(compressible("application/jsonx")).toBe(false);
    expect(compressible("application/json-seq")).toBe(false);
    expect(compressible("application/+json")).toBe(false);
  });
});

describe("encodeBody", () => {
  const big = Buffer.from(
    JSON.stringify({ results: Array.from({ length: 40 }, (_, i) => ({ index: i, status: "accepted" })) }),
  );
  const opts = { method: "POST", acceptEncoding: "gzip", contentEncoding: null };

  it("gzips or deflates a body of 1 KiB or more, losslessly", async () => {
    expect(big.length).toBeGreaterThanOrEqual(COMPRESS_MIN_BYTES);
    const gz = await encodeBody(big, opts);
    expect(gz.encoding).toBe("gzip");
    expect(gz.body.length).toBeLessThan(big.length / 4);
    expect(gunzipSync(gz.body).equals(big)).toBe(true);
    const df = await encodeBody(big, { ...opts, acceptEncoding: "deflate" });
    expect(df.encoding).toBe("deflate");
    expect(inflateSync(df.body).equals(big)).toBe(true);
  });

  it("leaves alone a body under 1 KiB, a HEAD answer, an answer already encoded, and a client that did not ask", async () => {
    const small = Buffer.alloc(COMPRESS_MIN_BYTES - 1, "a");
    expect(await encodeBody(small, opts)).toEqual({ body: small });
    expect((await encodeBody(Buffer.alloc(COMPRESS_MIN_BYTES, "a"), opts)).encoding).toBe("gzip");
    expect(await encodeBody(big, { ...opts, method: "HEAD" })).toEqual({ body: big });
    expect(await encodeBody(big, { ...opts, contentEncoding: "br" })).toEqual({ body: big });
    expect((await encodeBody(big, { ...opts, contentEncoding: "identity" })).encoding).toBe("gzip");
    expect(await encodeBody(big, { ...opts, acceptEncoding: undefined })).toEqual({ body: big });
  });
});
