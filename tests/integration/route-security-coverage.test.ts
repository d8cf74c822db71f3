// Every API-key route must run the shared security suite (tests/helpers/security.ts):
// this test reads the route files on disk, so a new route cannot skip it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, routeFiles } from "../helpers/route-files";

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
    for (const imp of src.matchAll(/import\s+([^;]*?)\s+from\s+["']([^"']+\/route)["']/g)) {
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

describe("route security coverage", () => {
  const routes = routeFiles("app/api/v1");

  it("finds the v1 route files", () => {
    expect(routes.map((r) => r.template)).toEqual(
      expect.arrayContaining(["/api/v1/meters", "/api/v1/meters/{metric}", "/api/v1/events", "/api/v1/usage/history"]),
    );
  });

  it("runs runCommonRouteTests for every method of every app/api/v1 route", () => {
    const covered = coveredMethods();
    const missing = routes.flatMap((r) =>
      r.methods.filter((m) => !covered.get(r.module)?.has(m)).map((m) => `${m} ${r.file}`),
    );
    expect(missing, "add runCommonRouteTests({ handler: <imported method>, … }) for these").toEqual([]);
  });

  it("wraps every app/api/v1 route handler in withApiKey", () => {
    const unwrapped = routes.flatMap((r) => {
      const src = readFileSync(path.join(ROOT, r.file), "utf8");
      return r.methods
        .filter((m) => !new RegExp(`export const ${m}\\s*=\\s*withApiKey\\b`).test(src))
        .map((m) => `${m} ${r.file}`);
    });
    expect(unwrapped).toEqual([]);
  });
});
