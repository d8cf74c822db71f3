// The three hot routes (ingest, usage/current, projection), answered by their own Pages API
// handlers as soon as `next start`'s HTTP server emits the request, without Next.js's router
// in between. Everything else, and these routes under `next dev` or with SM_HOT_ROUTES_VIA_NEXT=1,
// goes through Next.js as before.
//
// Why: the handlers (lib/api/pages-route.ts) take a Node request and answer it themselves —
// auth, limits, validation, errors, request id — and use nothing of Next's. What Next adds per
// request before calling them (routing, manifests, `apiResolver`'s lazy properties on `req`,
// tracing spans, async-storage contexts) cost ~0.9 ms of server CPU per small request and
// ~3 ms per 500-event batch, and the objects it hangs on each request are promoted to the old
// generation, so the server's major GCs come every few seconds and stall both cores of a small
// machine (docs/ingest.md, sessions 7–9 and 15). The handlers are the very modules Next.js
// would run: the compiled page files of the build, through Node's require cache, so there is
// one copy of every module (database pool, rate limits, caches) for both ways in.
//
// Installed from instrumentation.ts, which Next.js runs in its server process before it serves
// a request, through lib/server/request-hook.ts like the peer-address stamp.
// Serverless hosts, which run no `next start`, serve the same handlers through Next.js.
import { readFileSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import { createRequire } from "node:module";
import path from "node:path";
import { errorResponse, toApiError } from "@/lib/api/errors";
import { sendWebResponse } from "@/lib/api/pages-route";
import { newRequestId } from "@/lib/api/request-id";
import { log } from "@/lib/log";
import { hookRequests } from "./request-hook";

export type PagesHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** The routes served directly: the page's route, as in Next's pages-manifest.json. */
export const HOT_ROUTES = ["/api/v1/events/ingest", "/api/v1/usage/current", "/api/v1/usage/projection"] as const;

const shared = globalThis as unknown as { __smHotRoutesInstalled?: boolean };

/** SM_HOT_ROUTES_VIA_NEXT: unset, "" or "0" → served directly; "1" → through Next.js. Anything else stops the server. */
export function hotRoutesViaNext(env: Record<string, string | undefined> = process.env): boolean {
  const raw = env.SM_HOT_ROUTES_VIA_NEXT?.trim() ?? "";
  if (raw === "" || raw === "0") return false;
  if (raw === "1") return true;
  throw new Error(`SM_HOT_ROUTES_VIA_NEXT must be 1 (serve the hot routes through Next.js) or 0 (got "${raw}")`);
}

/**
 * The route a request target names, if it is one of `routes`: the path exactly as Next.js would
 * route it to that page (no trailing slash, no encoded characters, nothing after `?` counts).
 * Anything else — `/api/v1/usage/current/`, `/API/...`, `//api/...`, `/api/v1/usage/%63urrent`,
 * and the `/v1/*` aliases, which next.config.ts rewrites and whose answers get the console's
 * security headers — is left to Next.js, which answers it as it always has.
 */
export function hotRouteOf(target: string | undefined, routes: ReadonlyMap<string, unknown>): string | undefined {
  if (target === undefined) return undefined;
  const q = target.indexOf("?");
  const p = q === -1 ? target : target.slice(0, q);
  return routes.has(p) ? p : undefined;
}

/**
 * Loads the hot routes' compiled pages from the build `next start` serves and starts answering
 * them directly. Only in production; a build without them (or SM_HOT_ROUTES_VIA_NEXT=1) leaves
 * every request to Next.js, said once in the log.
 */
export async function installHotRoutes(): Promise<void> {
  if (shared.__smHotRoutesInstalled || process.env.NODE_ENV !== "production" || hotRoutesViaNext()) return;
  const routes = await loadCompiledHandlers(path.join(process.cwd(), process.env.NEXT_DIST_DIR ?? ".next"));
  if (!routes) return;
  shared.__smHotRoutesInstalled = true;
  log("info", "serving the hot routes directly (SM_HOT_ROUTES_VIA_NEXT=1 serves them through Next.js)", {
    routes: [...routes.keys()],
  });
  interceptHotRoutes([http.Server.prototype, https.Server.prototype], routes);
}

/**
 * Sends a "request" for one of `routes` to its handler, never to the server's own listeners
 * (Next.js's). Returns a function that unwraps the prototypes.
 */
export function interceptHotRoutes(protos: object[], routes: ReadonlyMap<string, PagesHandler>): () => void {
  return hookRequests(protos, (req, res) => {
    const route = hotRouteOf(req.url, routes);
    if (route === undefined) return false;
    serve(routes.get(route) as PagesHandler, req, res);
    return true;
  });
}

/** The `default` export of each hot route's compiled page, or undefined (logged) if the build lacks one. */
export async function loadCompiledHandlers(distDir: string): Promise<Map<string, PagesHandler> | undefined> {
  const serverDir = path.join(distDir, "server");
  try {
    const manifest = JSON.parse(readFileSync(path.join(serverDir, "pages-manifest.json"), "utf8")) as Record<
      string,
      string
    >;
    // A require from the build's own directory: Next.js loads these files with the same
    // `require`, so the module instances (and their state) are shared, not copied.
    const load = createRequire(path.join(serverDir, "noop.js"));
    const routes = new Map<string, PagesHandler>();
    for (const route of HOT_ROUTES) {
      const file = manifest[route];
      if (!file) throw new Error(`${route} is not in the build's pages-manifest.json`);
      // Turbopack's page modules export a promise of their exports (async modules).
      const page = (await load(path.join(serverDir, file))) as { default?: unknown };
      if (typeof page.default !== "function") throw new Error(`${file} has no default handler`);
      routes.set(route, page.default as PagesHandler);
    }
    return routes;
  } catch (err) {
    log("warn", "the hot routes are served through Next.js: their compiled pages could not be loaded", {
      distDir,
      err: err instanceof Error ? err.message : String(err),
    });
    return undefined;
  }
}

function serve(handler: PagesHandler, req: IncomingMessage, res: ServerResponse): void {
  handler(req, res).catch(async (err: unknown) => {
    // The handlers answer every error themselves (withApiKey); this is a bug or a broken socket.
    log("error", "hot route failed outside its handler", {
      path: req.url,
      err: err instanceof Error ? err.stack : String(err),
    });
    if (res.headersSent) res.destroy();
    else await sendWebResponse(req, res, errorResponse(toApiError(err), newRequestId()));
  });
}
