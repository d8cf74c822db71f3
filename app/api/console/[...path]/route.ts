import { unknownRoute } from "@/lib/api/unknown-route";

export const dynamic = "force-dynamic";

// Any /api/console path no route file serves: a JSON 404 in the API's error shape.
export const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = unknownRoute();
