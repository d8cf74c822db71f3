import { z } from "zod";
import { ApiError } from "./errors";
import { findUnstorable } from "./request";

// API.md: lists take ?limit= (1–1000, default 100) and ?cursor=, and answer
// { data, nextCursor }. Cursors are opaque to clients: base64url of a small JSON value
// holding the keyset position, so pages stay stable while rows are being inserted.

export const ZLimit = z.coerce
  .number()
  .int("must be an integer")
  .min(1, "must be between 1 and 1000")
  .max(1000, "must be between 1 and 1000")
  .default(100)
  .meta({ description: "Page size, 1–1000 (default 100)." });

// Long enough for every cursor a list hands out: a customers cursor holds a customerRef of up
// to 255 characters, each up to 6 bytes in JSON (`\u0001`) or 3 in UTF-8 (`顧`), so up to
// ~2,050 characters of base64url. At 512, the nextCursor of a page ending on such a customer
// was refused (422) when passed back, and the list could not go past it.
export const MAX_CURSOR_LENGTH = 4096;

export const ZCursor = z
  .string()
  .min(1)
  .max(MAX_CURSOR_LENGTH)
  .meta({ description: "Opaque cursor from the previous page's `nextCursor`." });

export const ZPaginationQuery = z.strictObject({
  limit: ZLimit,
  cursor: ZCursor.optional(),
  tenantId: z.string().optional(),
});

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

/** Decodes and validates a cursor; anything malformed is the client's error (422), never a 500. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  // A forged cursor's text must not reach Postgres when it cannot hold it (U+0000, an unpaired
  // surrogate): that was a 500.
  if (findUnstorable(raw) !== null) throw invalidCursor();
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

function invalidCursor(): ApiError {
  return new ApiError({
    code: "validation_failed",
    message: "cursor: invalid cursor (pass back the nextCursor of a previous page unchanged)",
    details: [{ path: "cursor", message: "invalid cursor" }],
  });
}

/** Builds the { data, nextCursor } page from limit+1 fetched rows. */
export function toPage<Row, Out>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Out,
  position: (row: Row) => unknown,
): { data: Out[]; nextCursor: string | null } {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { data: pageRows.map(map), nextCursor: hasMore && last ? encodeCursor(position(last)) : null };
}

export function ZPage<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    nextCursor: z.string().nullable().meta({ description: "Cursor of the next page; null on the last page." }),
  });
}
