import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import {
  HOT_ROUTES,
  hotRouteOf,
  hotRoutesViaNext,
  interceptHotRoutes,
  loadCompiledHandlers,
  type PagesHandler,
} from "@/lib/server/hot-routes";

const routes = new Map<string, PagesHandler>(HOT_ROUTES.map((r) => [r, async () => {}]));

describe("hotRouteOf", () => {
  it("names a hot route by its exact path, with or without a query", () => {
    expect(hotRouteOf("/api/v1/events/ingest", routes)).toBe("/api/v1/events/ingest");
    expect(hotRouteOf("/api/v1/usage/current?customerRef=cus_1", routes)).toBe("/api/v1/usage/current");
    expect(hotRouteOf("/api/v1/usage/current?customerRef=a?b", routes)).toBe("/api/v1/usage/current");
    expect(hotRouteOf("/api/v1/usage/projection?", routes)).toBe("/api/v1/usage/projection");
  });

  it("leaves every other spelling to Next.js, which routes (or refuses) it as before", () => {
    for (const target of [
      undefined,
      "",
      "/",
      "/api/v1/usage/current/",
      "/api/v1/usage/current/?customerRef=a",
      "/API/v1/usage/current",
      "//api/v1/usage/current",
      "/api/v1/usage/%63urrent",
      "/api/v1/events/ingest%zz",
      "/api/v1/events/ingest#x",
      "/api/v1/events",
      "/api/v1/events/ingest/more",
      "/api/v1/meters",
      "/v1/meters",
      "/v1/",
      "/v1/events/ingest",
      "/v1/usage/current?customerRef=a",
      "/api/api/v1/events/ingest",
      "/v1/api/v1/events/ingest",
      "http://localhost/api/v1/events/ingest",
      "*",
    ]) {
      expect(hotRouteOf(target, routes), String(target)).toBeUndefined();
    }
  });
});

describe("hotRoutesViaNext", () => {
  it("is off unless SM_HOT_ROUTES_VIA_NEXT is 1", () => {
    expect(hotRoutesViaNext({})).toBe(false);
    expect(hotRoutesViaNext({ SM_HOT_ROUTES_VIA_NEXT: "" })).toBe(false);
    expect(hotRoutesViaNext({ SM_HOT_ROUTES_VIA_NEXT: " 0 " })).toBe(false);
    expect(hotRoutesViaNext({ SM_HOT_ROUTES_VIA_NEXT: "1" })).toBe(true);
  });

  it("refuses any other value, naming the setting, so a typo cannot silently pick a path", () => {
    for (const bad of ["true", "yes", "2", "01", "on", "-1"]) {
      expect(() => hotRoutesViaNext({ SM_HOT_ROUTES_VIA_NEXT: bad }), bad).toThrow(
        `SM_HOT_ROUTES_VIA_NEXT must be 1 (serve the hot routes through Next.js) or 0 (got "${bad}")`,
      );
    }
  });
});

/** A build directory shaped like Next's: server/pages-manifest.json and the compiled pages. */
function fakeBuild(pages: Record<string, string | null>): string {
  const dist = mkdtempSync(path.join(os.tmpdir(), "sm-hot-routes-"));
  const manifest: Record<string, string> = { "/_app": "pages/_app.js" };
  for (const [route, source] of Object.entries(pages)) {
    if (source === null) continue;
    const file = `pages${route}.js`;
    manifest[route] = file;
    mkdirSync(path.dirname(path.join(dist, "server", file)), { recursive: true });
    writeFileSync(path.join(dist, "server", file), source);
  }
  writeFileSync(path.join(dist, "server", "pages-manifest.json"), JSON.stringify(manifest));
  return dist;
}

// Turbopack's compiled page: module.exports is a promise of { config, default, handler }.
const turbopackPage = (name: string) =>
  `module.exports = Promise.resolve({ config: {}, handler() { throw new Error("Next's handler"); }, default: async (req, res) => { res.setHeader("content-type", "text/plain"); res.end("${name} " + req.method + " " + req.url); } });`;
// webpack's: the exports themselves.
const webpackPage = (name: string) => `exports.default = async (req, res) => { res.end("${name}"); };`;

describe("loadCompiledHandlers", () => {
  const dirs: string[] = [];
  let warn: MockInstance<typeof process.stderr.write>;
  beforeAll(() => {
    warn = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  });
  afterAll(() => {
    warn.mockRestore();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  afterEach(() => warn.mockClear());

  it("takes each hot route's default handler from the build, awaiting Turbopack's async modules", async () => {
    const dist = fakeBuild({
      "/api/v1/events/ingest": turbopackPage("ingest"),
      "/api/v1/usage/current": webpackPage("current"),
      "/api/v1/usage/projection": turbopackPage("projection"),
    });
    dirs.push(dist);
    const loaded = await loadCompiledHandlers(dist);
    expect([...(loaded?.keys() ?? [])]).toEqual([...HOT_ROUTES]);
    expect(warn).not.toHaveBeenCalled();
  });

  it("serves nothing directly when the build lacks a page, has no default handler, or does not exist, and says why", async () => {
    const missing = fakeBuild({
      "/api/v1/events/ingest": turbopackPage("ingest"),
      "/api/v1/usage/current": null,
      "/api/v1/usage/projection": turbopackPage("projection"),
    });
    const noDefault = fakeBuild({
      "/api/v1/events/ingest": turbopackPage("ingest"),
      "/api/v1/usage/current": "module.exports = Promise.resolve({ handler() {} });",
      "/api/v1/usage/projection": turbopackPage("projection"),
    });
    dirs.push(missing, noDefault);
    for (const [dist, reason] of [
      [missing, "/api/v1/usage/current is not in the build's pages-manifest.json"],
      [noDefault, "pages/api/v1/usage/current.js has no default handler"],
      [path.join(missing, "nope"), "pages-manifest.json"],
    ] as const) {
      warn.mockClear();
      expect(await loadCompiledHandlers(dist)).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
      const line = JSON.parse(String(warn.mock.calls[0][0]));
      expect(line).toMatchObject({ level: "warn", distDir: dist });
      expect(line.msg).toBe("the hot routes are served through Next.js: their compiled pages could not be loaded");
      expect(line.err).toContain(reason);
    }
  });
});

describe("interceptHotRoutes", () => {
  // A subclass, so only this test's servers are intercepted.
  class TestServer extends http.Server {}
  let server: TestServer;
  let base: string;
  let restore: () => void;
  let errors: MockInstance<typeof process.stderr.write>;

  beforeAll(async () => {
    errors = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const dist = fakeBuild({
      "/api/v1/events/ingest": turbopackPage("ingest"),
      "/api/v1/usage/current": turbopackPage("current"),
      "/api/v1/usage/projection":
        "module.exports = Promise.resolve({ default: async () => { throw new Error('boom'); } });",
    });
    const loaded = await loadCompiledHandlers(dist);
    rmSync(dist, { recursive: true, force: true });
    restore = interceptHotRoutes([TestServer.prototype], loaded as Map<string, PagesHandler>);
    // The server's own listener stands for Next.js: it answers whatever is not intercepted.
    server = new TestServer((req, res) => res.end(`next ${req.method} ${req.url}`));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    restore();
    errors.mockRestore();
    await new Promise((resolve) => server.close(resolve));
  });

  const text = async (p: string, init?: RequestInit) => {
    const res = await fetch(`${base}${p}`, init);
    return [res.status, await res.text()] as const;
  };

  it("answers the hot routes with the page's own handler, the request untouched", async () => {
    expect(await text("/api/v1/events/ingest", { method: "POST", body: "{}" })).toEqual([
      200,
      "ingest POST /api/v1/events/ingest",
    ]);
    expect(await text("/api/v1/usage/current?customerRef=cus_1")).toEqual([
      200,
      "current GET /api/v1/usage/current?customerRef=cus_1",
    ]);
  });

  it("hands everything else to the server's own listener", async () => {
    expect(await text("/api/v1/meters")).toEqual([200, "next GET /api/v1/meters"]);
    expect(await text("/v1/usage/current?customerRef=cus_1")).toEqual([
      200,
      "next GET /v1/usage/current?customerRef=cus_1",
    ]);
    expect(await text("/api/v1/usage/current/?customerRef=a")).toEqual([
      200,
      "next GET /api/v1/usage/current/?customerRef=a",
    ]);
    expect(await text("/api/v1/usage/%63urrent")).toEqual([200, "next GET /api/v1/usage/%63urrent"]);
  });

  it("answers a 500 in the API's error shape, with a request id, and logs it, when a handler fails outside its own error handling", async () => {
    errors.mockClear();
    const [status, body] = await text("/api/v1/usage/projection", { method: "POST", body: "{}" });
    expect(status).toBe(500);
    expect(JSON.parse(body)).toEqual({
      error: {
        code: "internal_error",
        message: "An internal error occurred.",
        requestId: expect.stringMatching(/^req_/),
      },
    });
    const logged = errors.mock.calls.map((c) => JSON.parse(String(c[0])));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      level: "error",
      msg: "hot route failed outside its handler",
      path: "/api/v1/usage/projection",
    });
    expect(logged[0].err).toContain("boom");
  });

  it("unwraps cleanly: after restore the server's own listener answers the hot routes again", async () => {
    class OtherServer extends http.Server {}
    const other = new OtherServer((req, res) => res.end(`next ${req.url}`));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/api/v1/events/ingest`;
    const undo = interceptHotRoutes(
      [OtherServer.prototype],
      new Map([["/api/v1/events/ingest", async (_req, res) => void res.end("direct")]]),
    );
    expect(await (await fetch(url)).text()).toBe("direct");
    undo();
    expect(await (await fetch(url)).text()).toBe("next /api/v1/events/ingest");
    await new Promise((resolve) => other.close(resolve));
  });
});

describe("npm start with a bad SM_HOT_ROUTES_VIA_NEXT", () => {
  it("stops before it starts a database, naming the setting", () => {
    const res = spawnSync(process.execPath, ["--import", "tsx", "scripts/run-app.ts", "start"], {
      env: { ...process.env, SM_HOT_ROUTES_VIA_NEXT: "yes", SM_PG_PORT: "54998", SM_PG_DATA: "/nonexistent/sm-never" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(
      'SM_HOT_ROUTES_VIA_NEXT must be 1 (serve the hot routes through Next.js) or 0 (got "yes")',
    );
    expect(res.stdout).not.toContain("[db]");
  });
});
