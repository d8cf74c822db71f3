import { type NextRequest, NextResponse } from "next/server";
import { requestIdFor } from "@/lib/api/run-route";

// Every API response carries an x-request-id (API.md). Route wrappers set it themselves; this
// proxy adds it where no wrapper runs (Next's 405 for a method a route does not export,
// next-auth's routes) and passes it on to the route, which then logs and returns the same id.
// It skips the hot paths: running it there cost 1.2 ms of CPU per request (bench/ingest.ts),
// half of Next's own per-request overhead. Those routes answer the methods they do not serve
// themselves (lib/api/pages-route.ts).
export function proxy(req: NextRequest): NextResponse {
  const requestId = requestIdFor(req);
  const headers = new Headers(req.headers);
  headers.set("x-request-id", requestId);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("x-request-id", requestId);
  return res;
}

export const config = {
  matcher: ["/api/((?!v1/events/ingest$|v1/usage/current$|v1/usage/projection$).*)", "/v1/:path*"],
};
