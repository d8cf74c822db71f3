import { ApiError } from "@/lib/api/errors";
import { ApiKeyExpiredError, ApiKeyNotFoundError } from "./api-keys";

/**
 * Maps "no such key in this tenant" to the API's 404 (another tenant's key id is just unknown
 * here), and an expired key's rotation to a 409.
 */
export async function orKeyNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof ApiKeyNotFoundError) throw new ApiError({ code: "not_found", message: "API key not found." });
    if (err instanceof ApiKeyExpiredError) throw new ApiError({ code: "conflict", message: err.message });
    throw err;
  }
}
