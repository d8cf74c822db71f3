import { ZodError, type z } from "zod";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";

// The one table of error codes and statuses (API.md, "Conventions").
export const ERROR_STATUS = {
  invalid_json: 400,
  // Answered by pages/_error.tsx: Next.js refuses such a path before any route runs.
  invalid_path: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  validation_failed: 422,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details?: ErrorDetail[];
  readonly headers?: Record<string, string>;

  constructor(opts: { code: ErrorCode; message: string; details?: ErrorDetail[]; headers?: Record<string, string> }) {
    super(opts.message);
    this.name = "ApiError";
    this.code = opts.code;
    this.details = opts.details;
    this.headers = opts.headers;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** `events[3].quantity` from a zod path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

export function validationError(error: z.ZodError): ApiError {
  const details = zodDetails(error);
  const first = details[0];
  const message = first ? (first.path ? `${first.path}: ${first.message}` : first.message) : "invalid request";
  return new ApiError({ code: "validation_failed", message, details });
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ZodError) return validationError(err);
  if (isDatabaseUnavailable(err)) {
    return new ApiError({
      code: "unavailable",
      message:
        "The database is unavailable or did not answer in time. Retry shortly: a retried ingest with the same idempotency keys is counted once.",
      headers: { "retry-after": "2" },
    });
  }
  return new ApiError({ code: "internal_error", message: "An internal error occurred." });
}

export function errorResponse(err: ApiError, requestId: string): Response {
  const body = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details ? { details: err.details } : {}),
      requestId,
    },
  };
  return Response.json(body, {
    status: err.status,
    headers: { "x-request-id": requestId, ...(err.headers ?? {}) },
  });
}
