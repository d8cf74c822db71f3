import { describe, expect, it } from "vitest";
import { inexactQuantities } from "@/lib/ingest/inexact-quantities";

// Sorted indices, for a text that must be valid JSON (as the route only scans parsed bodies).
const set = (text: string) => {
  JSON.parse(text);
  return [...inexactQuantities(text)].sort((a, b) => a - b);
};

describe("inexactQuantities", () => {
  it("finds the events whose quantity number JSON.parse does not hold exactly", () => {
    const body = `{"events":[{"quantity":1},{"quantity":100000000000000001},{"quantity":"100000000000000001"},
      {"quantity":1e17},{"quantity":1e-400},{"quantity":12345678901.123456},{"quantity":-0},{"quantity":0.3}]}`;
    expect(set(body)).toEqual([1, 4, 5]);
  });

  it("reads only events[i].quantity, through strings, escapes and nesting", () => {
    const body = `{"tenantId":"t\\\\","x":{"events":[{"quantity":1e-400}]},"events":[
      {"customerRef":"a\\"quantity\\":1e-400,\\\\","meta":{"quantity":1e-400,"l":[[{"quantity":1e-400}]]},"quantity":2},
      {"meta":{},"quant\\u0069ty":1e-400},
      [{"quantity":1e-400}],
      {"quantity":[1e-400]},
      {"a":null,"b":true,"c":false,"d":[1,2,{"e":"}]"}],"quantity":1.00000000000000001}]}`;
    expect(set(body)).toEqual([1, 4]);
  });

  it("follows JSON.parse when a key repeats: the last one counts", () => {
    expect(set(`{"events":[{"quantity":1e-400,"quantity":1}]}`)).toEqual([]);
    expect(set(`{"events":[{"quantity":1,"quantity":1e-400}]}`)).toEqual([0]);
    expect(set(`{"events":[{"quantity":1e-400}],"events":[{"quantity":1}]}`)).toEqual([]);
    expect(set(`{"events":[{"quantity":1e-400}],"tenantId":"x"}`)).toEqual([0]);
  });

  it("answers nothing without a suspect quantity text", () => {
    expect(
      set(`{"events":[{"quantity":123456789012345,"ts":"2026-11-27T14:30:00.123456789Z","k":"1234567890123456e"}]}`),
    ).toEqual([]);
  });
});
