import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { roleAtLeast } from "@/lib/auth/roles";
import { assertCanManage, assertKeepsAnOwner } from "@/lib/team/team-rules";

function codeOf(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    return err instanceof ApiError ? err.code : "not-an-api-error";
  }
}

describe("role hierarchy", () => {
  it("orders owner > admin > viewer", () => {
    expect(roleAtLeast("owner", "admin")).toBe(true);
    expect(roleAtLeast("admin", "admin")).toBe(true);
    expect(roleAtLeast("admin", "owner")).toBe(false);
    expect(roleAtLeast("viewer", "admin")).toBe(false);
    expect(roleAtLeast("viewer", "viewer")).toBe(true);
  });
});

describe("who may manage whom", () => {
  it("refuses viewers and non-members anything", () => {
    expect(codeOf(() => assertCanManage("viewer", { from: null, to: "viewer" }))).toBe("forbidden");
    expect(codeOf(() => assertCanManage(undefined, { from: "viewer", to: null }))).toBe("forbidden");
  });

  it("lets admins manage admins and viewers but never touch the owner role", () => {
    expect(codeOf(() => assertCanManage("admin", { from: "viewer", to: "admin" }))).toBeNull();
    expect(codeOf(() => assertCanManage("admin", { from: "admin", to: null }))).toBeNull();
    expect(codeOf(() => assertCanManage("admin", { from: null, to: "owner" }))).toBe("forbidden");
    expect(codeOf(() => assertCanManage("admin", { from: "owner", to: "viewer" }))).toBe("forbidden");
    expect(codeOf(() => assertCanManage("admin", { from: "owner", to: null }))).toBe("forbidden");
  });

  it("lets owners grant and revoke the owner role", () => {
    expect(codeOf(() => assertCanManage("owner", { from: "viewer", to: "owner" }))).toBeNull();
    expect(codeOf(() => assertCanManage("owner", { from: "owner", to: "admin" }))).toBeNull();
  });
});

describe("last owner", () => {
  it("refuses to demote or remove the only owner", () => {
    expect(codeOf(() => assertKeepsAnOwner(["owner", "admin"], { from: "owner", to: "admin" }))).toBe("conflict");
    expect(codeOf(() => assertKeepsAnOwner(["owner"], { from: "owner", to: null }))).toBe("conflict");
  });

  it("allows it when another owner remains, and ignores non-owner changes", () => {
    expect(codeOf(() => assertKeepsAnOwner(["owner", "owner"], { from: "owner", to: null }))).toBeNull();
    expect(codeOf(() => assertKeepsAnOwner(["owner"], { from: "admin", to: null }))).toBeNull();
  });
});
