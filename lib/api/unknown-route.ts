import { ApiError } from "./errors";
import { runRoute } from "./run-route";

type Answer = (req: Request) => Promise<Response>;

/**
 * Handlers for a catch-all route under a part of the API (`app/api/v1/[...path]`,
 * `app/api/console/[...path]`): a path no route file serves answers a JSON 404 in the API's
 * error shape with its x-request-id, instead of Next's HTML 404 page. It reveals nothing but
 * the path, so it answers before authentication, like Stripe.
 */
export function unknownRoute(hint = ""): Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS", Answer> {
  const answer: Answer = (req) =>
    runRoute(req, async () => {
      throw new ApiError({
        code: "not_found",
        message: `No API route ${req.method} ${new URL(req.url).pathname}.${hint}`,
      });
    });
  // OPTIONS too: Next's own answer was a 204 allowing every method on a path that has none.
  return { GET: answer, POST: answer, PUT: answer, PATCH: answer, DELETE: answer, OPTIONS: answer };
}
