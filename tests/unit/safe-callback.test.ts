import { describe, expect, it } from "vitest";
import { safeCallbackUrl } from "@/components/auth/safe-callback";

describe("safeCallbackUrl", () => {
  it("keeps a same-site path with its query and fragment", () => {
    expect(safeCallbackUrl("/keys")).toBe("/keys");
    expect(safeCallbackUrl("/audit-log?page=2#top")).toBe("/audit-log?page=2#top");
    expect(safeCallbackUrl(["/team", "/keys"])).toBe("/team");
    expect(safeCallbackUrl("/a/../keys")).toBe("/keys");
  });

  it("refuses every form a browser resolves to another site", () => {
    for (const evil of [
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example", // browsers drop tabs and newlines: //evil.example (audit 6)
      "/\n/evil.example",
      "/\r/evil.example",
      "/\\/evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      " /keys",
      // dot segments resolve away, leaving a path that starts with // (review of 82cba09)
      "/.//evil.example",
      "/%2e//evil.example",
      "/a/..//evil.example",
      "/./\\evil.example",
      "/..//evil.example",
    ]) {
      expect(safeCallbackUrl(evil), JSON.stringify(evil)).toBe("/overview");
    }
  });

  it("never returns a character a Location header cannot carry", () => {
    expect(safeCallbackUrl("/keys\n")).toBe("/keys");
    expect(safeCallbackUrl("/ke ys\u0000")).toBe("/ke%20ys");
    expect(safeCallbackUrl("/k\u0000eys")).toBe("/k%00eys");
  });

  it("falls back to the overview without a usable value", () => {
    for (const none of [undefined, null, "", [], "keys"]) expect(safeCallbackUrl(none)).toBe("/overview");
  });
});
