import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random base62 string; `length` 22 carries ~131 bits. */
export function randomBase62(length: number): string {
  const bytes = randomBytes(length * 2);
  let out = "";
  for (let i = 0; out.length < length && i < bytes.length; i++) {
    // 248 = 4 * 62: reject the tail so every symbol is equally likely.
    if (bytes[i] < 248) out += ALPHABET[bytes[i] % 62];
  }
  return out.length === length ? out : out + randomBase62(length - out.length);
}

export type IdPrefix = "ten" | "usr" | "key" | "mtr" | "cst" | "adj" | "aud" | "req" | "prc" | "alr";

/** Prefixed ids (`ten_…`, `key_…`) so a stray id says what it is. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(20)}`;
}
