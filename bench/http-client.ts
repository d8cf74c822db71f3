// The paced load generator's HTTP/1.1 client: keep-alive connections over node:net, each
// request's bytes built once, and a response parser that only finds where an answer ends and
// reads its status. The load generator shares the machine's 2 cores with the server and
// Postgres, so what it costs counts against every latency it measures. Node's http client cost
// ~0.7 ms of CPU per request (a parser, header objects, an IncomingMessage stream and a
// ClientRequest per request) and made garbage whose collection paused the clock of every
// request in flight. This one allocates little beyond the chunks the socket reads.
import net from "node:net";

/** One request, serialized once: it is written as is every time it is sent. */
export function serializeRequest(opts: {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: string;
}): Buffer {
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  let head = `${opts.method} ${opts.url.pathname}${opts.url.search} HTTP/1.1\r\nhost: ${opts.url.host}\r\n`;
  for (const [name, value] of Object.entries(opts.headers ?? {})) {
    if (/[\r\n]/.test(name + value)) throw new Error(`header ${name}: line breaks are not allowed`);
    if (name.toLowerCase() === "content-length" || name.toLowerCase() === "host") continue;
    head += `${name}: ${value}\r\n`;
  }
  if (body !== undefined || opts.method === "POST") head += `content-length: ${body?.length ?? 0}\r\n`;
  head += "\r\n";
  return body === undefined ? Buffer.from(head, "latin1") : Buffer.concat([Buffer.from(head, "latin1"), body]);
}

/** How a request ended: its status code, or null when the connection failed before a whole answer. */
export type Done = (status: number | null) => void;

const CRLF_CRLF = Buffer.from("\r\n\r\n");
const MAX_HEAD = 64 * 1024;

/** Where the body ends: a length, chunked framing, or the connection's close. */
type BodyState =
  | { kind: "length"; remaining: number }
  | { kind: "chunked"; phase: "size" | "data" | "data-crlf" | "trailer"; line: string; remaining: number }
  | { kind: "close" };

class Connection {
  readonly socket: net.Socket;
  private done: Done | null = null;
  private head: Buffer | null = null;
  private body: BodyState | null = null;
  private status = 0;
  private closeAfter = false;
  private headRequest = false;
  private closed = false;

  constructor(
    host: string,
    port: number,
    private readonly onIdle: (c: Connection) => void,
    private readonly onClosed: (c: Connection) => void,
  ) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on("data", (chunk: Buffer) => this.read(chunk));
    this.socket.on("error", () => this.close());
    this.socket.on("close", () => this.close());
  }

  send(request: Buffer, done: Done): void {
    this.done = done;
    this.head = null;
    this.body = null;
    this.headRequest = request[0] === 0x48 && request[1] === 0x45; // "HE"AD
    this.socket.write(request);
  }

  private finish(status: number | null): void {
    const done = this.done;
    this.done = null;
    this.head = null;
    this.body = null;
    done?.(status);
    if (this.closeAfter || status === null) this.socket.destroy();
    else this.onIdle(this);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    // A body delimited by the connection's close ends here; anything else in flight failed.
    if (this.done) this.finish(this.body?.kind === "close" ? this.status : null);
    this.socket.destroy();
    this.onClosed(this);
  }

  private read(chunk: Buffer): void {
    if (!this.done) {
      this.socket.destroy(); // bytes nobody asked for: the connection is out of step
      return;
    }
    let data = chunk;
    if (this.body === null) {
      const buffered = this.head === null ? data : Buffer.concat([this.head, data]);
      const end = buffered.indexOf(CRLF_CRLF);
      if (end < 0) {
        if (buffered.length > MAX_HEAD) this.finish(null);
        else this.head = buffered;
        return;
      }
      if (!this.parseHead(buffered.toString("latin1", 0, end))) {
        this.finish(null);
        return;
      }
      data = buffered.subarray(end + 4);
    }
    this.consumeBody(data);
  }

  /** Status line and the headers that frame the body; false for an answer this client cannot frame. */
  private parseHead(text: string): boolean {
    const lines = text.split("\r\n");
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!status) return false;
    this.status = Number(status[1]);
    let length: number | null = null;
    let chunked = false;
    this.closeAfter = lines[0].startsWith("HTTP/1.0");
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(":");
      if (colon < 0) return false;
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i]
        .slice(colon + 1)
        .trim()
        .toLowerCase();
      if (name === "content-length") {
        if (!/^\d+$/.test(value)) return false;
        length = Number(value);
      } else if (name === "transfer-encoding") chunked = value.split(",").pop()?.trim() === "chunked";
      else if (name === "connection") {
        if (value.includes("close")) this.closeAfter = true;
        else if (value.includes("keep-alive")) this.closeAfter = false;
      }
    }
    // RFC 9112 §6.3: no body for HEAD, 1xx, 204 and 304; chunked wins over a length.
    if (this.headRequest || this.status < 200 || this.status === 204 || this.status === 304) {
      this.body = { kind: "length", remaining: 0 };
    } else if (chunked) this.body = { kind: "chunked", phase: "size", line: "", remaining: 0 };
    else if (length !== null) this.body = { kind: "length", remaining: length };
    else {
      this.body = { kind: "close" };
      this.closeAfter = true;
    }
    return true;
  }

  private consumeBody(data: Buffer): void {
    const body = this.body;
    if (body === null) return;
    if (body.kind === "close") return; // ends with the connection (close())
    if (body.kind === "length") {
      body.remaining -= data.length;
      if (body.remaining <= 0) this.finish(body.remaining === 0 ? this.status : null);
      return;
    }
    let at = 0;
    while (at < data.length) {
      if (body.phase === "data") {
        const take = Math.min(body.remaining, data.length - at);
        body.remaining -= take;
        at += take;
        if (body.remaining === 0) {
          body.phase = "data-crlf";
          body.line = "";
        }
        continue;
      }
      // size, data-crlf and trailer are read line by line
      const nl = data.indexOf(0x0a, at);
      body.line += data.toString("latin1", at, nl < 0 ? data.length : nl + 1);
      at = nl < 0 ? data.length : nl + 1;
      if (nl < 0) continue;
      const line = body.line.replace(/\r?\n$/, "");
      body.line = "";
      if (body.phase === "data-crlf") {
        if (line !== "") {
          this.finish(null);
          return;
        }
        body.phase = "size";
      } else if (body.phase === "size") {
        const size = /^([0-9a-fA-F]+)/.exec(line);
        if (!size) {
          this.finish(null);
          return;
        }
        body.remaining = Number.parseInt(size[1], 16);
        body.phase = body.remaining === 0 ? "trailer" : "data";
      } else if (line === "") {
        // the blank line after the last chunk (and any trailer fields)
        if (at !== data.length) {
          this.finish(null);
          return;
        }
        this.finish(this.status);
        return;
      }
    }
  }
}

/**
 * Keep-alive connections to one host; a request goes out on an idle connection, or on a new one
 * while fewer than `maxConnections` are open, else waits for the next connection to free up.
 */
export class HttpClientPool {
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly waiting: Array<{ request: Buffer; done: Done }> = [];
  private readonly host: string;
  private readonly port: number;

  constructor(
    base: string,
    private readonly maxConnections = 256,
  ) {
    const url = new URL(base);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
  }

  /** Connections opened so far and still open. */
  get connections(): number {
    return this.open.size;
  }

  send(request: Buffer, done: Done): void {
    const conn = this.idle.pop();
    if (conn) conn.send(request, done);
    else if (this.open.size < this.maxConnections) this.connect().send(request, done);
    else this.waiting.push({ request, done });
  }

  destroy(): void {
    for (const conn of this.open) conn.socket.destroy();
    for (const w of this.waiting.splice(0)) w.done(null);
  }

  private connect(): Connection {
    const conn = new Connection(
      this.host,
      this.port,
      (c) => {
        const next = this.waiting.shift();
        if (next) c.send(next.request, next.done);
        else this.idle.push(c);
      },
      (c) => {
        this.open.delete(c);
        const i = this.idle.indexOf(c);
        if (i >= 0) this.idle.splice(i, 1);
        const next = this.waiting.shift();
        if (next) this.send(next.request, next.done);
      },
    );
    this.open.add(conn);
    return conn;
  }
}
