// Postgres array literals for `unnest($n::text[])` parameters, built directly. node-pg's
// generic encoder escapes every element with two regex replaces; ingest sends a dozen
// 500-element arrays per batch, where that showed up in profiles.

/** `{"a","b",NULL}`: each element quoted; `\` and `"` escaped as the array syntax requires. */
export function textArray(values: ReadonlyArray<string | null>): string {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v.includes("\\") || v.includes('"')) return escapedTextArray(values);
  }
  // Nothing to escape (the common case): one native join instead of a string built piece by piece.
  return values.length === 0 ? "{}" : `{"${values.join('","')}"}`;
}

function escapedTextArray(values: ReadonlyArray<string | null>): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ",";
    const v = values[i];
    if (v === null) {
      out += "NULL";
    } else if (v.includes("\\") || v.includes('"')) {
      out += `"${v.replace(/[\\"]/g, "\\$&")}"`;
    } else {
      out += `"${v}"`;
    }
  }
  return `${out}}`;
}

/** `{1,NULL,3}` for integer or boolean arrays (`bigint[]`, `bool[]`). */
export function scalarArray(values: ReadonlyArray<number | boolean | null>): string {
  // join writes null as an empty string, which Postgres refuses: spell it out when present.
  return values.includes(null) ? `{${values.map((v) => v ?? "NULL").join(",")}}` : `{${values.join(",")}}`;
}
