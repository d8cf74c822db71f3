// Every API-key route must run the shared security suite (tests/helpers/security.ts):
// this test reads the route files on disk, so a new route cannot skip it.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { apiV1RouteFiles, ROOT } from "../helpers/route-files";

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? testFiles(full) : name.endsWith(".test.ts") ? [full] : [];
  });
}

/** route module -> methods whose handler some test passes to runCommonRouteTests. */
function coveredMethods(): Map<string, Set<string>> {
  const covered = new Map<string, Set<string>>();
  for (const file of testFiles(path.join(ROOT, "tests"))) {
    const src = readFileSync(file, "utf8");
    if (!src.includes("runCommonRouteTests(")) continue;
    const used = new Set([...src.matchAll(/runCommonRouteTests\(\{[\s\S]*?handler:\s*([\w$.]+)/g)].map((m) => m[1]));
    for (const imp of src.matchAll(/import\s+([^;]*?)\s+from\s+["']([^"']+\/route|@\/pages\/api\/[^"']+)["']/g)) {
      const [, clause, mod] = imp;
      const module = mod.startsWith("@/") ? mod : `@/${path.relative(ROOT, path.resolve(path.dirname(file), mod))}`;
      const set = covered.get(module) ?? new Set<string>();
      const ns = /\*\s+as\s+(\w+)/.exec(clause)?.[1];
      if (ns) for (const u of used) if (u.startsWith(`${ns}.`)) set.add(u.slice(ns.length + 1));
      for (const spec of clause.replace(/[{}]/g, "").split(",")) {
        const [exported, local = exported] = spec.trim().split(/\s+as\s+/);
        if (exported && used.has(local.trim())) set.add(exported.trim());
      }
      covered.set(module, set);
    }
  }
  return covered;
}

/** Project modules `file` imports at run time, transitively (type-only imports excluded). */
function importClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(file, "utf8");
  for (const m of src.matchAll(/^(?:import|export)\s+(?!type\s)(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm)) {
    const spec = m[1];
    const base = spec.startsWith("@/")
      ? path.join(ROOT, spec.slice(2))
      : spec.startsWith(".")
        ? path.resolve(path.dirname(file), spec)
        : null;
    if (base === null) continue;
    const found = [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")].find(
      (c) => existsSync(c) && statSync(c).isFile(),
    );
    if (found) importClosure(found, seen);
  }
  return seen;
}

describe("route security coverage", () => {
  const routes = apiV1RouteFiles();

  it("finds the v1 route files", () => {
    expect(routes.map((r) => r.template)).toEqual(
      expect.arrayContaining(["/api/v1/meters", "/api/v1/meters/{metric}", "/api/v1/events", "/api/v1/usage/history"]),
    );
  });

  it("runs runCommonRouteTests for every method of every /api/v1 route", () => {
    const covered = coveredMethods();
    const missing = routes.flatMap((r) =>
      r.methods.filter((m) => !covered.get(r.module)?.has(m)).map((m) => `${m} ${r.file}`),
    );
    expect(missing, "add runCommonRouteTests({ handler: <imported method>, … }) for these").toEqual([]);
  });

  it("wraps every /api/v1 route handler in withApiKey", () => {
    const unwrapped = routes.flatMap((r) => {
      const src = readFileSync(path.join(ROOT, r.file), "utf8");
      return r.methods
        .filter((m) => !new RegExp(`export const ${m}\\s*=\\s*withApiKey\\b`).test(src))
        .map((m) => `${m} ${r.file}`);
    });
    expect(unwrapped).toEqual([]);
  });

  it("serves every pages/api/v1 route's handlers through servePagesRoute, with Next's body parser off", () => {
    const pagesRoutes = routes.filter((r) => r.file.startsWith("pages/"));
    expect(pagesRoutes.map((r) => r.template).sort()).toEqual([
      "/api/v1/events/ingest",
      "/api/v1/usage/current",
      "/api/v1/usage/projection",
    ]);
    for (const r of pagesRoutes) {
      const src = readFileSync(path.join(ROOT, r.file), "utf8");
      const served = /export default servePagesRoute\(\{([^}]*)\}\);/.exec(src)?.[1];
      expect(
        served
          ?.split(",")
          .map((m) => m.trim())
          .filter(Boolean)
          .sort(),
        r.file,
      ).toEqual([...r.methods].sort());
      expect(src, r.file).toMatch(/export const config = \{ api: \{ bodyParser: false \} \};/);
    }
  });

  it("imports nothing from pages/api that only the App Router can load", () => {
    // `server-only` throws when loaded outside React Server Components, which a Pages API
    // route is: one such import anywhere below a hot route turns every request into a 500.
    // The unit tests alias the package away, so only this check (and e2e) would notice.
    const pagesRoutes = routes.filter((r) => r.file.startsWith("pages/"));
    const offenders = new Set<string>();
    for (const r of pagesRoutes) {
      for (const f of importClosure(path.join(ROOT, r.file))) {
        if (/^import\s+["']server-only["']/m.test(readFileSync(f, "utf8"))) offenders.add(path.relative(ROOT, f));
      }
    }
    expect(pagesRoutes.length).toBe(3);
    expect([...offenders]).toEqual([]);
  });
});
