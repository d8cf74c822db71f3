import { ApiError } from "@/lib/api/errors";

export const MAX_EVENTS_PER_REQUEST = 1000;
const TOP_LEVEL_FIELDS = new Set(["events", "tenantId"]);

function invalid(path: string, message: string): ApiError {
  return new ApiError({
    code: "validation_failed",
    message: path ? `${path}: ${message}` : message,
    details: [{ path, message }],
  });
}

/**
 * Request-level checks of an ingest body (already JSON-parsed). Per-event problems are
 * not errors here: they become `rejected` results so one bad event never sinks a batch.
 */
export function parseIngestRequest(body: unknown, tenantId: string): { events: unknown[] } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid("", "request body must be a JSON object with an `events` array");
  }
  const obj = body as Record<string, unknown>;
  for (const field of Object.keys(obj)) {
    if (!TOP_LEVEL_FIELDS.has(field)) throw invalid(field, "unknown field");
  }
  if (obj.tenantId !== undefined && obj.tenantId !== tenantId) {
    throw new ApiError({ code: "forbidden", message: "tenantId does not match the API key's tenant." });
  }
  if (!("events" in obj)) throw invalid("events", "required");
  if (!Array.isArray(obj.events)) throw invalid("events", "must be an array");
  if (obj.events.length === 0) throw invalid("events", "must contain at least 1 event");
  if (obj.events.length > MAX_EVENTS_PER_REQUEST) {
    throw invalid("events", `must contain at most ${MAX_EVENTS_PER_REQUEST} events`);
  }
  return { events: obj.events };
}
