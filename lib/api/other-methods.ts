import { ApiError, errorResponse } from "./errors";
import { requestIdFor } from "./run-route";

/** The methods a route can serve, in the order `Allow` lists them (OPTIONS is always last). */
export const ROUTE_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
export type RouteMethod = (typeof ROUTE_METHODS)[number];

/** `Allow` for a route serving these methods: a GET serves HEAD, and OPTIONS is always answered. */
export function allowHeader(served: Iterable<string>): string {
  const set = new Set(served);
  if (set.has("GET")) set.add("HEAD");
  return [...ROUTE_METHODS.filter((m) => set.has(m)), "OPTIONS"].join(", ");
}

/**
 * A 405 in the API's error shape (API.md: errors always have it), with `Allow` and the
 * request id. For a HEAD request Node sends the headers only.
 */
export function methodNotAllowed(req: Request, allow: string): Response {
  return errorResponse(
    new ApiError({
      code: "method_not_allowed",
      message: `${req.method} is not allowed on ${new URL(req.url).pathname}; allowed: ${allow}.`,
      headers: { allow },
    }),
    requestIdFor(req),
  );
}

/** OPTIONS: 204 with `Allow` and the request id. */
export function answerOptions(req: Request, allow: string): Response {
  return new Response(null, { status: 204, headers: { allow, "x-request-id": requestIdFor(req) } });
}

type Answer = (req: Request) => Promise<Response>;

/**
 * Handlers for the methods an App Router route does not serve, so that they answer like the
 * rest of the API instead of with Next's empty 405, and OPTIONS lists what the route serves:
 *
 *     export const { PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET, POST });
 *
 * Export exactly the ones the route lacks (an exported one twice does not compile). HEAD is
 * left to Next where the route has a GET (it serves HEAD from it).
 */
export function otherMethods(served: Partial<Record<RouteMethod, unknown>>): Record<RouteMethod | "OPTIONS", Answer> {
  const allow = allowHeader(Object.keys(served).filter((m) => served[m as RouteMethod]));
  const refuse: Answer = async (req) => methodNotAllowed(req, allow);
  const options: Answer = async (req) => answerOptions(req, allow);
  return { GET: refuse, HEAD: refuse, POST: refuse, PUT: refuse, PATCH: refuse, DELETE: refuse, OPTIONS: options };
}
