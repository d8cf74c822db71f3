import { ApiError } from "@/lib/api/errors";
import { runRoute } from "@/lib/api/run-route";

export const dynamic = "force-dynamic";

// Any /api/v1 path no route file serves: a JSON 404 in the API's error shape with its
// x-request-id, instead of Next's HTML 404 page. It reveals nothing but the path, so it
// answers before authentication, like Stripe.
function unknownRoute(req: Request): Promise<Response> {
  return runRoute(req, async () => {
    throw new ApiError({
      code: "not_found",
      message: `No API route ${req.method} ${new URL(req.url).pathname}. See /api/openapi.json for the routes.`,
    });
  });
}

export const GET = unknownRoute;
export const POST = unknownRoute;
export const PUT = unknownRoute;
export const PATCH = unknownRoute;
export const DELETE = unknownRoute;
