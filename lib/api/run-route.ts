import { logEnabled, logger } from "@/lib/log";
import { errorResponse, toApiError } from "./errors";
import { newRequestId } from "./request-id";

const VALID_REQUEST_ID = /^[\w.-]{1,64}$/;

/** The caller's x-request-id when well-formed (proxy.ts forwards one), else a new one. */
export function requestIdFor(req: Request): string {
  const incoming = req.headers.get("x-request-id");
  return incoming && VALID_REQUEST_ID.test(incoming) ? incoming : newRequestId();
}

/** Identifiers the wrappers learn while authenticating; logged with the request. */
export type LogFields = Record<string, string | undefined>;

/**
 * What every route wrapper shares: the request id, the error shape (ApiError → its
 * status, anything else → a generic 500 that leaks nothing), and one log line per request.
 * `body` fills `fields` as it authenticates, so even a refused request is logged with them.
 */
export async function runRoute(
  req: Request,
  body: (requestId: string, fields: LogFields) => Promise<Response>,
): Promise<Response> {
  const requestId = requestIdFor(req);
  const started = performance.now();
  const fields: LogFields = {};
  let status = 500;
  try {
    const res = await body(requestId, fields);
    res.headers.set("x-request-id", requestId);
    status = res.status;
    return res;
  } catch (err) {
    const apiErr = toApiError(err);
    status = apiErr.status;
    if (apiErr.code === "internal_error" || apiErr.code === "unavailable") {
      logger.error("unhandled error", { requestId, ...fields, err: err instanceof Error ? err.stack : String(err) });
    }
    return errorResponse(apiErr, requestId);
  } finally {
    if (logEnabled("info"))
      logger.info("request", {
        requestId,
        ...fields,
        method: req.method,
        path: new URL(req.url).pathname,
        status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      });
  }
}
