import { describe, expect, it } from "vitest";
import { inexactNumbers } from "@/lib/ingest/inexact-numbers";

// Sorted indices, for a text that must be valid JSON (as the route only scans parsed bodies).
const set = (text: string) => {
  JSON.parse(text);
  return [...inexactNumbers(text).quantity].sort((a, b) => a - b);
};

// The meta findings by event index, for a text that must be valid JSON.
const metaOf = (text: string) => {
  JSON.parse(text);
  return Object.fromEntries(inexactNumbers(text).meta);
};

describe("inexactNumbers: quantity", () => {
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

describe("inexactNumbers: meta", () => {
  it("finds the first number anywhere in an event's meta that JSON.parse changes, with its path and stored value", () => {
    const body = `{"events":[
      {"quantity":1,"meta":{"userId":12345678901234567890}},
      {"quantity":1,"meta":{"a":{"ids":[1,2,9007199254740993]},"b":1e400}},
      {"quantity":1,"meta":{"tiny":1e-400,"ok":0.1,"big":1e21,"exp":2.5E3,"neg":-0,"safe":9007199254740991}},
      {"quantity":1,"meta":{"ok":[0.30000000000000004,1.5,100000000000000000000]}},
      {"quantity":1e-400,"meta":{"huge":-1e400}}]}`;
    expect(metaOf(body)).toEqual({
      0: { path: ".meta.userId", arrivesAs: "12345678901234567000" },
      1: { path: ".meta.a.ids[2]", arrivesAs: "9007199254740992" },
      2: { path: ".meta.tiny", arrivesAs: "0" },
      4: { path: ".meta.huge", arrivesAs: "null" },
    });
    expect(set(body)).toEqual([4]);
  });

  it("reads only events[i].meta, and follows JSON.parse when meta or events repeat", () => {
    const outside = `{"x":{"meta":{"a":1e400}},"events":[{"meta":1e400},{"tags":{"meta":{"a":1e400}}},{"meta":{"s":"1e400"}}]}`;
    expect(metaOf(outside)).toEqual({});
    expect(metaOf(`{"events":[{"meta":{"a":1e400},"meta":{"a":1}}]}`)).toEqual({});
    expect(metaOf(`{"events":[{"meta":{"a":1},"meta":{"a":1e400}}]}`)).toEqual({
      0: { path: ".meta.a", arrivesAs: "null" },
    });
    expect(metaOf(`{"events":[{"meta":{"a":1e400}}],"events":[{"meta":{}}]}`)).toEqual({});
  });

  it("answers nothing for numbers a double holds, however written", () => {
    expect(
      metaOf(
        `{"events":[{"meta":{"a":123456789012345,"b":1.5e3,"c":1e-7,"d":[0.1,-2.25E-2],"e":"12345678901234567890"}}]}`,
      ),
    ).toEqual({});
  });
});
