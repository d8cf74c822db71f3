import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scalarArray, textArray } from "@/lib/db/pg-arrays";
import { useRawPgClient } from "../helpers/raw-pg-client";

describe("pg array literals", () => {
  const clientOf = useRawPgClient();

  it("round-trips any strings, NULLs, quotes, backslashes, braces, commas and unicode through Postgres", async () => {
    const samples = fc.sample(
      fc.array(fc.option(fc.string({ unit: "grapheme", maxLength: 20 }), { nil: null, freq: 5 }), { maxLength: 30 }),
      150,
    );
    samples.push(['a"b', "c\\d", "{x,y}", "NULL", "", " lead", "trail ", "é😀", null, '\\"']);
    for (const values of samples) {
      const cleaned = values.map((v) => (v === null ? null : v.replaceAll("\u0000", "")));
      const r = await clientOf().query<{ v: string | null }>(
        "SELECT u.v FROM unnest($1::text[]) WITH ORDINALITY AS u(v, i) ORDER BY i",
        [textArray(cleaned)],
      );
      expect(r.rows.map((row) => row.v)).toEqual(cleaned);
    }
  });

  it("encodes integers and booleans", async () => {
    const r = await clientOf().query<{ n: string; b: boolean }>(
      "SELECT u.n::text AS n, u.b FROM unnest($1::bigint[], $2::bool[]) WITH ORDINALITY AS u(n, b, i) ORDER BY i",
      [scalarArray([1, -2, 1_790_000_000_000]), scalarArray([true, false, true])],
    );
    expect(r.rows).toEqual([
      { n: "1", b: true },
      { n: "-2", b: false },
      { n: "1790000000000", b: true },
    ]);
  });

  it("encodes NULLs in integer and boolean arrays", async () => {
    const r = await clientOf().query<{ n: string | null; b: boolean | null }>(
      "SELECT u.n::text AS n, u.b FROM unnest($1::bigint[], $2::bool[]) WITH ORDINALITY AS u(n, b, i) ORDER BY i",
      [scalarArray([null, 5, null]), scalarArray([true, null, false])],
    );
    expect(r.rows).toEqual([
      { n: null, b: true },
      { n: "5", b: null },
      { n: null, b: false },
    ]);
  });
});
