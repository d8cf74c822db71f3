import { otherMethods } from "@/lib/api/other-methods";
import { buildOpenApiDocument } from "@/lib/openapi/build-openapi-document";

export const dynamic = "force-dynamic";

export function GET(req: Request): Response {
  const doc = buildOpenApiDocument({ serverUrl: new URL(req.url).origin });
  return Response.json(doc, {
    headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  });
}

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
