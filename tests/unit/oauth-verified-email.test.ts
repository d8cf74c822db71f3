import { afterEach, describe, expect, it, vi } from "vitest";
import { buildAuthOptions, isVerifiedOAuthEmail, verifiedPrimaryGitHubEmail } from "@/lib/auth/auth-options";

type UserinfoRequest = (ctx: {
  client: { userinfo: (token: string) => Promise<Record<string, unknown>> };
  tokens: { access_token: string };
}) => Promise<Record<string, unknown>>;

function githubUserinfo(): UserinfoRequest {
  vi.stubEnv("GITHUB_ID", "gh");
  vi.stubEnv("GITHUB_SECRET", "gh-secret");
  const github = buildAuthOptions().providers.find((p) => p.id === "github") as unknown as {
    options: { userinfo: { request: UserinfoRequest } };
  };
  return github.options.userinfo.request;
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

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

  it("replaces GitHub's profile email with the verified primary address, or none", async () => {
    const request = githubUserinfo();
    const client = { userinfo: async () => ({ id: 1, login: "octo", email: "public@example.test" }) };
    const answer = (emails: unknown) =>
      vi.stubGlobal(
        "fetch",
        vi.fn(async (url: string) => {
          expect(url).toBe("https://api.github.com/user/emails");
          return new Response(JSON.stringify(emails), { status: 200 });
        }),
      );
    answer([{ email: "me@example.test", primary: true, verified: true }]);
    expect(await request({ client, tokens: { access_token: "t" } })).toMatchObject({
      login: "octo",
      email: "me@example.test",
      email_verified: true,
    });
    answer([{ email: "me@example.test", primary: true, verified: false }]);
    const unverified = await request({ client, tokens: { access_token: "t" } });
    expect(unverified.email).toBeUndefined();
    expect(unverified.email_verified).toBe(false);
  });
});
