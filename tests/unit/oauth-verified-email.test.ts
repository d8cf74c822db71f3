import { describe, expect, it } from "vitest";
import { isVerifiedOAuthEmail, verifiedPrimaryGitHubEmail } from "@/lib/auth/auth-options";

describe("OAuth email verification", () => {
  it("takes GitHub's primary address only when it is verified", () => {
    expect(
      verifiedPrimaryGitHubEmail([
        { email: "old@example.test", primary: false, verified: true },
        { email: "me@example.test", primary: true, verified: true },
      ]),
    ).toBe("me@example.test");
    expect(
      verifiedPrimaryGitHubEmail([
        { email: "other@example.test", primary: false, verified: true },
        { email: "me@example.test", primary: true, verified: false },
      ]),
    ).toBeNull();
    expect(verifiedPrimaryGitHubEmail([{ email: "x@example.test", primary: false, verified: true }])).toBeNull();
    expect(verifiedPrimaryGitHubEmail({ message: "Bad credentials" })).toBeNull();
  });

  it("trusts only an explicit email_verified: true claim", () => {
    expect(isVerifiedOAuthEmail({ email: "a@example.test", email_verified: true })).toBe(true);
    expect(isVerifiedOAuthEmail({ email: "a@example.test", email_verified: false })).toBe(false);
    expect(isVerifiedOAuthEmail({ email: "a@example.test", email_verified: "true" })).toBe(false);
    expect(isVerifiedOAuthEmail({ email: "a@example.test" })).toBe(false);
    expect(isVerifiedOAuthEmail(undefined)).toBe(false);
  });
});
