// The benchmarks' load-generator client (bench/http-client.ts): every latency the benchmarks
// report ends when it says an answer ended, so it must frame answers exactly, against Node's own
// server and against hand-written byte streams split at every awkward place.
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { HttpClientPool, serializeRequest } from "../../bench/http-client";

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        if (server instanceof http.Server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as net.AddressInfo;
  return `http://127.0.0.1:${port}`;
}

function send(pool: HttpClientPool, request: Buffer): Promise<number | null> {
  return new Promise((resolve) => pool.send(request, resolve));
}

/** A server that answers every request with these byte pieces, written with pauses between them. */
async function rawServer(pieces: string[], opts: { closeAfter?: boolean } = {}): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.on("data", async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await new Promise((r) => setTimeout(r, 5));
      }
      if (opts.closeAfter) socket.end();
    });
  });
  return listen(server);
}

describe("serializeRequest", () => {
  it("writes the request line, host, headers and the body's byte length", () => {
    const bytes = serializeRequest({
      method: "POST",
      url: new URL("http://127.0.0.1:3201/api/v1/events/ingest?x=1"),
      headers: { authorization: "Bearer k", "content-type": "application/json", "Content-Length": "999" },
      body: '{"q":"é"}',
    });
    expect(bytes.toString("utf8")).toBe(
      "POST /api/v1/events/ingest?x=1 HTTP/1.1\r\nhost: 127.0.0.1:3201\r\nauthorization: Bearer k\r\n" +
        'content-type: application/json\r\ncontent-length: 10\r\n\r\n{"q":"é"}',
    );
  });

  it("sends no length for a GET without body, and refuses a header with a line break", () => {
    expect(serializeRequest({ method: "GET", url: new URL("http://h:1/a") }).toString()).toBe(
      "GET /a HTTP/1.1\r\nhost: h:1\r\n\r\n",
    );
    expect(() =>
      serializeRequest({ method: "GET", url: new URL("http://h:1/a"), headers: { x: "a\r\nevil: 1" } }),
    ).toThrow(/line breaks/);
  });
});

describe("HttpClientPool against node:http", () => {
  it("reads statuses and bodies of every framing, reusing one connection", async () => {
    const seen: string[] = [];
    const connections = new Set<unknown>();
    const server = http.createServer((req, res) => {
      connections.add(req.socket);
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        seen.push(`${req.method} ${req.url} ${body}`);
        if (req.url === "/chunked") {
          res.writeHead(200, { "content-type": "text/plain" });
          res.write("a".repeat(70_000));
          setTimeout(() => res.end("tail"), 5);
        } else if (req.url === "/empty") {
          res.writeHead(204).end();
        } else if (req.url === "/missing") {
          res.writeHead(404, { "content-type": "application/json" }).end('{"error":{}}');
        } else res.writeHead(200, { "content-length": 2 }).end("ok");
      });
    });
    const base = await listen(server);
    const pool = new HttpClientPool(base);
    const url = (p: string) => new URL(p, base);
    expect(await send(pool, serializeRequest({ method: "POST", url: url("/len"), body: "hello" }))).toBe(200);
    expect(await send(pool, serializeRequest({ method: "GET", url: url("/chunked") }))).toBe(200);
    expect(await send(pool, serializeRequest({ method: "GET", url: url("/empty") }))).toBe(204);
    expect(await send(pool, serializeRequest({ method: "GET", url: url("/missing") }))).toBe(404);
    expect(await send(pool, serializeRequest({ method: "HEAD", url: url("/len") }))).toBe(200);
    expect(await send(pool, serializeRequest({ method: "GET", url: url("/len") }))).toBe(200);
    expect(seen).toEqual([
      "POST /len hello",
      "GET /chunked ",
      "GET /empty ",
      "GET /missing ",
      "HEAD /len ",
      "GET /len ",
    ]);
    expect(connections.size).toBe(1);
    expect(pool.connections).toBe(1);
    pool.destroy();
  });

  it("opens up to its limit and queues the rest, answering every request", async () => {
    let open = 0;
    let most = 0;
    const server = http.createServer((_req, res) => {
      open++;
      most = Math.max(most, open);
      setTimeout(() => {
        open--;
        res.end("x");
      }, 10);
    });
    const base = await listen(server);
    const pool = new HttpClientPool(base, 3);
    const request = serializeRequest({ method: "GET", url: new URL("/", base) });
    const statuses = await Promise.all(Array.from({ length: 12 }, () => send(pool, request)));
    expect(statuses).toEqual(Array(12).fill(200));
    expect(most).toBe(3);
    expect(pool.connections).toBe(3);
    pool.destroy();
  });
});

describe("HttpClientPool against hand-written answers", () => {
  const get = (base: string) => serializeRequest({ method: "GET", url: new URL("/", base) });

  it("follows chunked framing split mid-size, mid-data and mid-terminator, with chunk extensions and trailers", async () => {
    const base = await rawServer([
      "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n",
      "\r\n1",
      "0;ext=1\r\n0123456789abcdef\r",
      "\n3\r\n0\r\n\r\n0\r",
      "\nX-Trailer: 1\r\n",
      "\r\n",
    ]);
    const pool = new HttpClientPool(base);
    expect(await send(pool, get(base))).toBe(201);
    // The connection stayed in step: a second answer on it is read whole.
    expect(await send(pool, get(base))).toBe(201);
    expect(pool.connections).toBe(1);
    pool.destroy();
  });

  it("reads a body that ends with the connection, and a length split across writes", async () => {
    const closing = await rawServer(["HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome", " more"], {
      closeAfter: true,
    });
    const pool = new HttpClientPool(closing);
    expect(await send(pool, get(closing))).toBe(200);
    pool.destroy();

    const split = await rawServer(["HTTP/1.1 503 Service Unavailable\r\nContent-Len", "gth: 6\r\n\r\nab", "cdef"]);
    const pool2 = new HttpClientPool(split);
    expect(await send(pool2, get(split))).toBe(503);
    expect(await send(pool2, get(split))).toBe(503);
    pool2.destroy();
  });

  it("reports a failure, not a status, for a cut-off or malformed answer, and reconnects after it", async () => {
    const cut = await rawServer(["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"], { closeAfter: true });
    const pool = new HttpClientPool(cut);
    expect(await send(pool, get(cut))).toBeNull();
    expect(await send(pool, get(cut))).toBeNull();
    pool.destroy();

    for (const bad of [
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nabc", // more bytes than announced
      "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
      "SMTP ready\r\n\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n",
    ]) {
      const base = await rawServer([bad]);
      const p = new HttpClientPool(base);
      expect(await send(p, get(base)), bad).toBeNull();
      p.destroy();
    }
  });

  it("fails a request whose server is not listening, and every queued request on destroy", async () => {
    const server = net.createServer();
    const base = await listen(server);
    await closers.pop()?.();
    const pool = new HttpClientPool(base, 1);
    const request = get(base);
    expect(await send(pool, request)).toBeNull();

    const hanging = await rawServer([]);
    const pool2 = new HttpClientPool(hanging, 1);
    const first = send(pool2, get(hanging));
    const queued = send(pool2, get(hanging));
    await new Promise((r) => setTimeout(r, 20));
    pool2.destroy();
    expect(await queued).toBeNull();
    expect(await first).toBeNull();
  });
});
