// Every App Router route under app/api answers a method it does not serve with a 405 in the
// API's error shape (API.md: errors always have it) and `Allow`, and OPTIONS with 204 and the
// same `Allow` — not with Next's empty 405 (lib/api/other-methods.ts). next-auth's routes are
// not ours to shape, and the catch-alls answer 404 to every method (unknown-api-route.test.ts).
import { describe, expect, it } from "vitest";
import { appApiRouteFiles } from "../helpers/route-files";

/** The order `Allow` lists methods in. */
const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const SKIPPED = new Set([
  "app/api/auth/[...nextauth]/route.ts",
  "app/api/console/[...path]/route.ts",
  "app/api/[...path]/route.ts",
]);

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const files = appApiRouteFiles().filter((r) => !SKIPPED.has(r.file));

describe("methods a route does not serve", () => {
  it("covers every route file", () => {
    expect(files.length).toBeGreaterThanOrEqual(26);
  });

  for (const { file, module, methods: served } of files) {
    it(`${file}: 405 with the error shape and Allow, OPTIONS 204`, async () => {
      const allow = [
        ...(served.includes("GET") ? ["GET", "HEAD"] : []),
        ...served.filter((m) => m !== "GET"),
        "OPTIONS",
      ]
        .sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))
        .join(", ");
      const mod = (await import(/* @vite-ignore */ module)) as Record<string, Handler | undefined>;
      const url = `http://localhost/${file.replace(/^app\/|\/route\.ts$/g, "")}`;
      const ctx = { params: Promise.resolve({}) };
      for (const method of METHODS.filter((m) => !served.includes(m))) {
        const handler = mod[method];
        expect(handler, `${file} exports no ${method}`).toBeTypeOf("function");
        const res = await (handler as Handler)(new Request(url, { method }), ctx);
        expect(res.status, method).toBe(405);
        expect(res.headers.get("allow"), method).toBe(allow);
        const body = await res.json();
        expect(body.error.code, method).toBe("method_not_allowed");
        expect(body.error.requestId, method).toBe(res.headers.get("x-request-id"));
        expect(body.error.message, method).toContain(`allowed: ${allow}`);
      }
      const options = await (mod.OPTIONS as Handler)(new Request(url, { method: "OPTIONS" }), ctx);
      expect(options.status).toBe(204);
      expect(options.headers.get("allow")).toBe(allow);
      expect(options.headers.get("x-request-id")).toMatch(/^req_/);
    });
  }
});
