import { unknownRoute } from "@/lib/api/unknown-route";

export const dynamic = "force-dynamic";

// Any other /api path no route file serves (not /api/v1 or /api/console, which have their own):
// a JSON 404 in the API's error shape rather than the console's HTML 404 page.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = unknownRoute(" The public API is under /api/v1.");
