import { otherMethods } from "@/lib/api/other-methods";
import { databaseIsReady } from "@/lib/db/readiness";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const ready = await databaseIsReady();
  return Response.json(
    ready ? { status: "ready", database: "ok" } : { status: "unavailable", database: "unreachable" },
    { status: ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods({ GET });
