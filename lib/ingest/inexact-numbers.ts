import { Dec } from "./decimal";

// A number text long enough to be beyond a double's 15 exact digits, or with an exponent
// (1e-400 underflows to 0, 1e400 overflows to Infinity, which JSON writes as null), after a
// ":", "," or "[". Without one in the body, every number JSON.parse made is exactly what was
// sent (the common case: one regex search). A string holding such a text only costs a scan.
// A key spelt with escapes ("quantit\u0079") is not seen here; nobody sends that by accident.
const SUSPECT = /[:,[][ \t\n\r]*-?\d(?:[\d.]{15}|[\d.]*[eE])/;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Whether JSON.parse turns the number `token` into a double whose shortest text is another decimal. */
function inexact(token: string): boolean {
  return !new Dec(token).eq(new Dec(String(Number(token))));
}

/** A number in an event's `meta` that JSON.parse did not keep: where, and what it became. */
export interface InexactMetaNumber {
  /** From the event: ".meta.userId", ".meta.ids[2]". */
  path: string;
  /** The value stored instead, as JSON ("1234567890123456800", "0", "null"). */
  arrivesAs: string;
}

export interface InexactNumbers {
  /** Events whose `quantity` is such a number. */
  quantity: Set<number>;
  /** Events with such a number in `meta` (the first one found). */
  meta: Map<number, InexactMetaNumber>;
}

/**
 * The events of an ingest body (`text`, valid JSON whose root is an object) holding a JSON
 * number that JSON.parse did not keep exactly: the double's shortest form is another decimal
 * than the one sent, e.g. 100000000000000001 arrives as 100000000000000000, 1.0000000000000001
 * as 1, 1e-400 as 0 and 1e400 as Infinity (stored as null).
 * - In `quantity`: normalizeQuantity sees only the double and cannot tell those from an exact
 *   1e17, 1 or 0 (API.md: such a number is refused, and must be sent as a decimal string).
 * - Anywhere in `meta`: stored, it would silently be another value, and a unique_count meter
 *   counting that field would count two ids rounded to one double as one (refused too: send
 *   such a value as a string). A meta with a key repeated inside it, whose discarded value holds
 *   such a number, is refused as well (JSON.parse keeps the last; this scan does not track it).
 */
export function inexactNumbers(text: string): InexactNumbers {
  const found: InexactNumbers = { quantity: new Set(), meta: new Map() };
  if (!SUSPECT.test(text)) return found;
  // One frame per open object or array: whether it is an array, its current key or index.
  const isArray: boolean[] = [];
  const keys: Array<string | null> = [];
  const indices: number[] = [];
  let expectKey = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      // { [
      isArray.push(c === 0x5b);
      keys.push(null);
      indices.push(0);
      expectKey = c === 0x7b;
      i++;
    } else if (c === 0x7d || c === 0x5d) {
      // } ]
      isArray.pop();
      keys.pop();
      indices.pop();
      i++;
    } else if (c === 0x2c) {
      // ,
      const top = isArray.length - 1;
      if (isArray[top]) indices[top]++;
      else expectKey = true;
      i++;
    } else if (c === 0x22) {
      // " — the closing quote is the first one preceded by an even number of backslashes.
      let end = text.indexOf('"', i + 1);
      for (;;) {
        let b = end - 1;
        while (text.charCodeAt(b) === 0x5c) b--;
        if ((end - 1 - b) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (expectKey) {
        const raw = text.slice(i + 1, end);
        const key: string = raw.includes("\\") ? JSON.parse(text.slice(i, end + 1)) : raw;
        const depth = isArray.length;
        keys[depth - 1] = key;
        // JSON.parse keeps the last of duplicate keys: a later "events" or "quantity" replaces.
        if (depth === 1 && key === "events") {
          found.quantity.clear();
          found.meta.clear();
        }
        if (depth === 3 && isEventFrame(isArray, keys)) {
          if (key === "quantity") found.quantity.delete(indices[1]);
          if (key === "meta") found.meta.delete(indices[1]);
        }
        expectKey = false;
      }
      i = end + 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      // - 0-9
      NUMBER.lastIndex = i;
      const token = (NUMBER.exec(text) as RegExpExecArray)[0];
      const depth = isArray.length;
      if (depth >= 3 && isEventFrame(isArray, keys)) {
        if (depth === 3 && keys[2] === "quantity") {
          if (inexact(token)) found.quantity.add(indices[1]);
        } else if (depth > 3 && keys[2] === "meta" && !found.meta.has(indices[1]) && inexact(token)) {
          found.meta.set(indices[1], {
            path: pathWithin(isArray, keys, indices),
            arrivesAs: JSON.stringify(Number(token)),
          });
        }
      }
      i += token.length;
    } else {
      // whitespace, ":", the letters of true, false and null
      i++;
    }
  }
  return found;
}

/** ".meta.a.b[2]": the path of the current value from its event (frames 3 on). */
function pathWithin(isArray: boolean[], keys: Array<string | null>, indices: number[]): string {
  let path = ".meta";
  for (let j = 3; j < isArray.length; j++) path += isArray[j] ? `[${indices[j]}]` : `.${keys[j]}`;
  return path;
}

/** The frames are root object → its "events" array → an event object. */
function isEventFrame(isArray: boolean[], keys: Array<string | null>): boolean {
  return !isArray[0] && keys[0] === "events" && isArray[1] && !isArray[2];
}
