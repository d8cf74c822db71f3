import { type NextRequest, NextResponse } from "next/server";
import { requestIdFor } from "@/lib/api/run-route";

// Every API response carries an x-request-id (API.md). The id is also passed to the route
// as a request header, so the route wrapper logs and returns the same one.
export function proxy(req: NextRequest): NextResponse {
  const requestId = requestIdFor(req);
  const headers = new Headers(req.headers);
  headers.set("x-request-id", requestId);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("x-request-id", requestId);
  return res;
}

export const config = { matcher: ["/api/:path*", "/v1/:path*"] };
