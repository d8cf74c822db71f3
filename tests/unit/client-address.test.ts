import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FailureLimiter } from "@/lib/api/failure-limiter";
import {
  addressKey,
  clientAddress,
  peerHeaderName,
  resetTrustProxyHops,
  trustProxyHopsFromEnv,
} from "@/lib/server/client-address";
import { installPeerStamp } from "@/lib/server/peer-stamp";

const headers = (h: Record<string, string>) => new Headers(h);
const peer = (addr: string, more: Record<string, string> = {}) => headers({ [peerHeaderName()]: addr, ...more });

describe("client address", () => {
  afterEach(() => {
    delete process.env.TRUST_PROXY_HOPS;
    resetTrustProxyHops();
  });

  it("TRUST_PROXY_HOPS: unset/blank → 0, 0–10, anything else refused with its name", () => {
    expect(trustProxyHopsFromEnv({})).toBe(0);
    expect(trustProxyHopsFromEnv({ TRUST_PROXY_HOPS: " " })).toBe(0);
    expect(trustProxyHopsFromEnv({ TRUST_PROXY_HOPS: "2" })).toBe(2);
    for (const bad of ["-1", "1.5", "x", "11", "0x1"]) {
      expect(() => trustProxyHopsFromEnv({ TRUST_PROXY_HOPS: bad })).toThrow(/TRUST_PROXY_HOPS must be/);
    }
  });

  it("with 0 hops uses the stamped socket address and ignores X-Forwarded-For and other client headers", () => {
    const h = peer("203.0.113.7", { "x-forwarded-for": "1.2.3.4", "x-real-ip": "5.6.7.8" });
    expect(clientAddress(h, 0)).toBe("203.0.113.7");
    expect(clientAddress(headers({ "x-forwarded-for": "1.2.3.4" }), 0)).toBe("unknown");
    // A client cannot send the stamp: its name has a per-process random part.
    expect(peerHeaderName()).toMatch(/^x-sm-peer-[0-9a-f]{16}$/);
    expect(clientAddress(headers({ "x-sm-peer": "1.2.3.4" }), 0)).toBe("unknown");
  });

  it("with N hops takes the Nth X-Forwarded-For entry from the right, never one the client wrote", () => {
    const h = peer("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 203.0.113.7, 10.0.0.1" });
    expect(clientAddress(h, 1)).toBe("10.0.0.1");
    expect(clientAddress(h, 2)).toBe("203.0.113.7");
    // Fewer entries than proxies: the socket's address, not the client-written leftmost one.
    expect(clientAddress(peer("10.0.0.2", { "x-forwarded-for": "6.6.6.6" }), 2)).toBe("10.0.0.2");
    expect(clientAddress(peer("10.0.0.2"), 1)).toBe("10.0.0.2");
    process.env.TRUST_PROXY_HOPS = "1";
    resetTrustProxyHops();
    expect(clientAddress(peer("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 203.0.113.8" }))).toBe("203.0.113.8");
  });

  it("normalizes addresses: ports, brackets, IPv4-mapped IPv6, and IPv6 grouped by /64", () => {
    expect(addressKey("203.0.113.7:5555")).toBe("203.0.113.7");
    expect(addressKey("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(addressKey("[2001:db8:1:2::5]:443")).toBe("2001:db8:1:2::/64");
    expect(addressKey("2001:0db8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    expect(addressKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(addressKey("not an address")).toBe("other:not an address");
    expect(addressKey(null)).toBe("unknown");
  });

  it("the peer stamp puts the socket's address on a real server's requests, whatever the client sends", async () => {
    installPeerStamp();
    const seen: { headers: string | undefined; raw: string[] }[] = [];
    const server = http.createServer((req, res) => {
      const i = req.rawHeaders.findIndex((h) => h.toLowerCase() === peerHeaderName());
      seen.push({ headers: req.headers[peerHeaderName()] as string | undefined, raw: req.rawHeaders.slice(i, i + 2) });
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const { port } = server.address() as AddressInfo;
    const warnings: string[] = [];
    const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      if (String(chunk).includes("TRUST_PROXY_HOPS")) warnings.push(String(chunk));
      return true;
    });
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      expect(warnings).toEqual([]);
      for (let i = 0; i < 2; i++) {
        await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-forwarded-for": "1.2.3.4", "x-sm-peer": "1.2.3.4" } });
      }
    } finally {
      write.mockRestore();
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(seen.map((s) => s.headers)).toEqual(["127.0.0.1", "127.0.0.1", "127.0.0.1"]);
    expect(seen[1].raw).toEqual([peerHeaderName(), "127.0.0.1"]);
    // X-Forwarded-For with TRUST_PROXY_HOPS=0: a proxy the setting does not count; said once.
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0])).toMatchObject({ level: "warn", peer: "127.0.0.1" });
  });
});

describe("failure limiter", () => {
  it("allows `limit` at once, then one per period/limit, and bounds its memory", () => {
    const l = new FailureLimiter({ limit: 3, periodMs: 3_000, maxTracked: 5 });
    expect([1, 2, 3, 4].map(() => l.hit("k", 0).ok)).toEqual([true, true, true, false]);
    expect(l.check("k", 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(l.hit("k", 999).ok).toBe(false);
    expect(l.hit("k", 1_000).ok).toBe(true);
    for (let i = 0; i < 20; i++) l.hit(`x${i}`, 2_000);
    expect(l.size).toBeLessThanOrEqual(5);
  });
});
