// servePagesRoute (lib/api/pages-route.ts) behind a real node:http server, as Next's Pages
// Router calls it: a route handler written for the App Router must see the same Request and
// its Response must reach the client unchanged; other methods answer like the App Router.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { servePagesRoute } from "@/lib/api/pages-route";
import { readBodyText, readJson } from "@/lib/api/request";
import { runRoute } from "@/lib/api/run-route";

let handlerCalls = 0;

const echo = servePagesRoute({
  POST: (req) =>
    runRoute(req, async () => {
      handlerCalls++;
      const body = await readJson(req);
      const url = new URL(req.url);
      const res = Response.json(
        { body, method: req.method, path: url.pathname, query: url.search, custom: req.headers.get("x-custom") },
        { status: 201, headers: { "x-answer": "42" } },
      );
      res.headers.append("set-cookie", "a=1; Path=/");
      res.headers.append("set-cookie", "b=2; Path=/");
      return res;
    }),
});

const getOnly = servePagesRoute({
  GET: (req) =>
    runRoute(req, async () => {
      if (new URL(req.url).searchParams.get("fail") === "1")
        throw new ApiError({ code: "not_found", message: "No such thing." });
      return Response.json({ ok: true });
    }),
});

const rawText = servePagesRoute({
  POST: (req) => runRoute(req, async () => new Response(await readBodyText(req), { status: 200 })),
});

let server: http.Server;
let base = "";

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const route = path.startsWith("/echo") ? echo : path.startsWith("/raw") ? rawText : getOnly;
    void route(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A raw request: lets a test stream a chunked body, lie about content-length or hang up. */
function send(
  method: string,
  path: string,
  opts: { headers?: Record<string, string | number>; chunks?: Buffer[] } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers: opts.headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString() }),
      );
    });
    req.on("error", reject);
    for (const c of opts.chunks ?? []) req.write(c);
    req.end();
  });
}

describe("servePagesRoute", () => {
  it("hands the handler the method, path, query, headers and body, and sends its status, headers and body back", async () => {
    const res = await fetch(`${base}/echo/sub?x=1&y=%C3%A9`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-custom": "hello", "x-request-id": "trace-1" },
      body: JSON.stringify({ events: [{ q: "1.5" }] }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-answer")).toBe("42");
    expect(res.headers.get("x-request-id")).toBe("trace-1");
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(await res.json()).toEqual({
      body: { events: [{ q: "1.5" }] },
      method: "POST",
      path: "/echo/sub",
      query: "?x=1&y=%C3%A9",
      custom: "hello",
    });
  });

  it("takes the path and query from the request target, never from the Host header", async () => {
    const body = JSON.stringify({ ok: 1 });
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    // A Host with "/" and "?" used to become part of the URL: it rewrote the path and the query.
    const forged = await send("POST", "/echo/real?x=1", {
      headers: { ...headers, host: "evil.example/fake?admin=1#" },
      chunks: [Buffer.from(body)],
    });
    expect(forged.status).toBe(201);
    expect(JSON.parse(forged.text)).toMatchObject({ path: "/echo/real", query: "?x=1" });
    // An absolute-form target keeps its own path and query.
    const absolute = await new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: Number(new URL(base).port),
          method: "POST",
          path: "http://other.example/echo/abs?y=2",
          headers,
          agent: false,
        },
        (res) => {
          const parts: Buffer[] = [];
          res.on("data", (c: Buffer) => parts.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(parts).toString() }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(absolute.status).toBe(201);
    expect(JSON.parse(absolute.text)).toMatchObject({ path: "/echo/abs", query: "?y=2" });
  });

  it("keeps the body's bytes exactly, multi-byte characters split across chunks included", async () => {
    const text = "é€😀 plain";
    const bytes = Buffer.from(text);
    const res = await send("POST", "/raw", {
      headers: { "transfer-encoding": "chunked" },
      chunks: [bytes.subarray(0, 1), bytes.subarray(1, 5), bytes.subarray(5)],
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe(text);
  });

  it("answers a method the route does not serve with 405, Allow and a request id, without calling a handler", async () => {
    const before = handlerCalls;
    for (const method of ["GET", "PUT", "PATCH", "DELETE", "PROPFIND"]) {
      const res = await send(method, "/echo");
      expect(res.status, method).toBe(405);
      expect(res.headers.allow, method).toBe("POST, OPTIONS");
      expect(res.headers["x-request-id"], method).toMatch(/^req_/);
      // The API's error shape, like every other error (API.md).
      expect(JSON.parse(res.text), method).toEqual({
        error: {
          code: "method_not_allowed",
          message: `${method} is not allowed on /echo; allowed: POST, OPTIONS.`,
          requestId: res.headers["x-request-id"],
        },
      });
    }
    const traced = await send("DELETE", "/echo", { headers: { "x-request-id": "trace-2" } });
    expect(traced.headers["x-request-id"]).toBe("trace-2");
    const head = await send("HEAD", "/echo");
    expect(head.status).toBe(405);
    expect(head.text).toBe(""); // a HEAD answer has no body
    expect(handlerCalls).toBe(before);
  });

  it("answers OPTIONS with 204 and Allow; a GET route serves HEAD", async () => {
    const options = await send("OPTIONS", "/echo");
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("POST, OPTIONS");
    expect(options.headers["x-request-id"]).toMatch(/^req_/);

    const getOptions = await send("OPTIONS", "/get");
    expect(getOptions.headers.allow).toBe("GET, HEAD, OPTIONS");
    const head = await send("HEAD", "/get");
    expect(head.status).toBe(200);
    expect(head.headers["content-type"]).toContain("application/json");
    expect(head.text).toBe("");
    const post = await send("POST", "/get");
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET, HEAD, OPTIONS");
  });

  it("passes the handler's error responses through (status, JSON error, request id)", async () => {
    const res = await send("GET", "/get?fail=1");
    expect(res.status).toBe(404);
    const body = JSON.parse(res.text);
    expect(body.error.code).toBe("not_found");
    expect(body.error.requestId).toBe(res.headers["x-request-id"]);
  });

  it("refuses a body over 1 MiB with 413, whether its length is declared or it is streamed in chunks", async () => {
    const declared = await send("POST", "/echo", {
      headers: { "content-type": "application/json", "content-length": 2 * 1024 * 1024 },
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).error.code).toBe("payload_too_large");

    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const streamed = await send("POST", "/echo", {
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      chunks: [chunk, chunk, chunk, chunk, Buffer.from("{}")],
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.text).error.code).toBe("payload_too_large");

    // Exactly at the limit is accepted: 1 MiB of JSON whitespace around an object.
    const atLimit = await send("POST", "/echo", {
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      chunks: [chunk, chunk, chunk, chunk.subarray(2), Buffer.from("{}")],
    });
    expect(atLimit.status).toBe(201);
    expect(JSON.parse(atLimit.text).body).toEqual({});
  });

  it("calls no handler for a client that hangs up mid-body, and keeps serving", async () => {
    const before = handlerCalls;
    await new Promise<void>((resolve) => {
      const req = http.request(`${base}/echo`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": 1000 },
        agent: false,
      });
      req.on("error", () => resolve());
      req.write('{"events": [');
      setTimeout(() => {
        req.destroy();
        setTimeout(resolve, 100);
      }, 50);
    });
    expect(handlerCalls).toBe(before);
    const after = await fetch(`${base}/echo`, { method: "POST", body: "{}" });
    expect(after.status).toBe(201);
  });

  it("compresses a JSON answer of 1 KiB or more for a client that accepts it, as next start does for other routes", async () => {
    const payload = JSON.stringify({ events: Array.from({ length: 60 }, (_, i) => ({ q: String(i), note: "x" })) });
    const post = (acceptEncoding?: string, method = "POST") =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; raw: Buffer }>((resolve, reject) => {
        const headers: Record<string, string> = { "content-type": "application/json" };
        if (acceptEncoding !== undefined) headers["accept-encoding"] = acceptEncoding;
        const req = http.request(`${base}/echo`, { method, headers, agent: false }, (res) => {
          const parts: Buffer[] = [];
          res.on("data", (c: Buffer) => parts.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(parts) }),
          );
        });
        req.on("error", reject);
        req.end(payload);
      });
    const plain = await post();
    expect(plain.status).toBe(201);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    expect(Number(plain.headers["content-length"])).toBe(plain.raw.length);
    expect(plain.raw.length).toBeGreaterThan(1024);
    const expected = JSON.parse(plain.raw.toString());

    const gz = await post("gzip, deflate, br");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gz.headers.vary).toBe("Accept-Encoding");
    expect(Number(gz.headers["content-length"])).toBe(gz.raw.length);
    expect(gz.raw.length).toBeLessThan(plain.raw.length / 3);
    expect(JSON.parse(gunzipSync(gz.raw).toString())).toEqual(expected);
    // The set-cookie headers and the handler's own headers are kept.
    expect(gz.headers["set-cookie"]).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(gz.headers["x-answer"]).toBe("42");

    const df = await post("deflate");
    expect(df.headers["content-encoding"]).toBe("deflate");
    expect(JSON.parse(inflateSync(df.raw).toString())).toEqual(expected);

    for (const refused of ["gzip;q=0", "br", "identity"]) {
      const res = await post(refused);
      expect(res.headers["content-encoding"], refused).toBeUndefined();
      expect(res.raw.equals(plain.raw), refused).toBe(true);
    }

    // A small answer is sent as it is, but still varies on Accept-Encoding.
    const small = await send("GET", "/get", { headers: { "accept-encoding": "gzip" } });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.headers.vary).toBe("Accept-Encoding");
    expect(JSON.parse(small.text)).toEqual({ ok: true });
    // No content type (OPTIONS' 204): no Vary.
    expect((await send("OPTIONS", "/echo", { headers: { "accept-encoding": "gzip" } })).headers.vary).toBeUndefined();
  });
});
