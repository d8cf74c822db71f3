// Finds the route files of app/api and the HTTP methods each exports, for the tests that
// keep the OpenAPI document and the security suite in step with the routes on disk.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

export interface RouteFile {
  /** e.g. app/api/v1/meters/[metric]/route.ts */
  file: string;
  /** e.g. @/app/api/v1/meters/[metric]/route */
  module: string;
  /** OpenAPI template, e.g. /api/v1/meters/{metric} */
  template: string;
  methods: Method[];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (name === "route.ts" || name === "route.tsx") out.push(full);
  }
  return out;
}

/**
 * The /api/v1 fallback answers 404 to paths no route serves: it has no resource, scope or
 * OpenAPI operation, so the guards skip it by name (tests/integration/unknown-api-route.test.ts
 * covers it). Any other catch-all is guarded like every route.
 */
export const FALLBACK_ROUTE = "app/api/v1/[...path]/route.ts";

export function routeFiles(under: string): RouteFile[] {
  return walk(path.join(ROOT, under))
    .filter((full) => path.relative(ROOT, full).split(path.sep).join("/") !== FALLBACK_ROUTE)
    .map((full) => {
      const file = path.relative(ROOT, full).split(path.sep).join("/");
      const source = readFileSync(full, "utf8");
      const methods = METHODS.filter((m) =>
        new RegExp(`export\\s+(const|(async\\s+)?function)\\s+${m}\\b`).test(source),
      );
      const dir = path.posix.dirname(file);
      const template = `/${dir.replace(/^app\//, "")}`
        .split("/")
        .filter((seg) => !/^\(.*\)$/.test(seg))
        .map((seg) => seg.replace(/^\[(\.\.\.)?(.+)\]$/, "{$2}"))
        .join("/");
      return { file, module: `@/${file.replace(/\.tsx?$/, "")}`, template, methods };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}
