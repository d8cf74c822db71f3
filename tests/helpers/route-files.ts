// Finds the route files of app/api and the HTTP methods each exports, for the tests that
// keep the OpenAPI document and the security suite in step with the routes on disk.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

export interface RouteFile {
  /** e.g. app/api/v1/meters/[metric]/route.ts, or pages/api/v1/events/ingest.ts */
  file: string;
  /** e.g. @/app/api/v1/meters/[metric]/route, or @/pages/api/v1/events/ingest */
  module: string;
  /** OpenAPI template, e.g. /api/v1/meters/{metric} */
  template: string;
  methods: Method[];
}

function walk(dir: string, isRoute: (name: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full, isRoute));
    else if (isRoute(name)) out.push(full);
  }
  return out;
}

/**
 * The /api/v1 fallback answers 404 to paths no route serves: it has no resource, scope or
 * OpenAPI operation, so the guards skip it by name (tests/integration/unknown-api-route.test.ts
 * covers it). Any other catch-all is guarded like every route.
 */
export const FALLBACK_ROUTE = "app/api/v1/[...path]/route.ts";

/**
 * The route files serving `/api/v1`: App Router `route.ts` files under app/api/v1, and the
 * hot routes served from pages/api/v1 (lib/api/pages-route.ts), whose named exports are
 * App Router handlers too.
 */
export function apiV1RouteFiles(): RouteFile[] {
  return [
    ...routeFiles(walk(path.join(ROOT, "app/api/v1"), (name) => /^route\.tsx?$/.test(name))),
    ...routeFiles(walk(path.join(ROOT, "pages/api/v1"), (name) => /\.tsx?$/.test(name))),
  ].sort((a, b) => a.file.localeCompare(b.file));
}

/** Every App Router route file under app/api (the /api/v1 fallback excepted, as above). */
export function appApiRouteFiles(): RouteFile[] {
  return routeFiles(walk(path.join(ROOT, "app/api"), (name) => /^route\.tsx?$/.test(name)));
}

function routeFiles(files: string[]): RouteFile[] {
  return files
    .filter((full) => path.relative(ROOT, full).split(path.sep).join("/") !== FALLBACK_ROUTE)
    .map((full) => {
      const file = path.relative(ROOT, full).split(path.sep).join("/");
      const source = readFileSync(full, "utf8");
      const methods = METHODS.filter((m) =>
        new RegExp(`export\\s+(const|(async\\s+)?function)\\s+${m}\\b`).test(source),
      );
      const route = file.startsWith("pages/") ? file.replace(/\.tsx?$/, "") : path.posix.dirname(file);
      const template = `/${route.replace(/^(app|pages)\//, "")}`
        .split("/")
        .filter((seg) => !/^\(.*\)$/.test(seg))
        .map((seg) => seg.replace(/^\[(\.\.\.)?(.+)\]$/, "{$2}"))
        .join("/");
      return { file, module: `@/${file.replace(/\.tsx?$/, "")}`, template, methods };
    });
}
