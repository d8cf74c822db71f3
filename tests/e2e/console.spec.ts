import { expect, type Page, test } from "@playwright/test";
import pg from "pg";
import { DEMO_EMAIL, DEMO_PASSWORD } from "../../lib/demo/seed-demo";

const SHOTS = "test-results/screenshots";
const PASSWORD = "e2e-password-123";

function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`;
}

async function signUp(page: Page, email: string, tenantName: string) {
  await page.goto("/signup");
  await page.getByLabel("Company or workspace name").fill(tenantName);
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL("**/overview");
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL("**/overview");
}

async function setTheme(page: Page, theme: "light" | "dark") {
  await page.evaluate((t) => localStorage.setItem("sm-theme", t), theme);
  await page.reload();
}

test("a signed-out visit to a console page redirects to /login", async ({ page }) => {
  for (const path of ["/keys", "/team", "/overview", "/audit-log", "/settings", "/"]) {
    await page.goto(path);
    await expect(page).toHaveURL(/\/login$/);
  }
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/login.png`, fullPage: true });
  // No page of the console may be framed by another page (clickjacking), nor sniffed.
  const headers = (await page.goto("/login"))?.headers() ?? {};
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["content-security-policy"]).toBe("frame-ancestors 'none'");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  // next-auth's own sign-out page too; the API's JSON routes do not need them
  const nextAuthPage = await page.request.get("/api/auth/signout");
  expect(nextAuthPage.headers()["x-frame-options"]).toBe("DENY");
  expect((await page.request.get("/api/health")).headers()["x-frame-options"]).toBeUndefined();
});

test("sign up, land in the console, create an API key that is shown once and works", async ({ page, request }) => {
  const email = uniqueEmail("founder");
  await signUp(page, email, "Globex Corp");
  await expect(page.getByRole("heading", { name: "Globex Corp" })).toBeVisible();
  await expect(page.getByTestId("stat-meters")).toHaveText("0");
  await expect(page.getByTestId("signed-in-user")).toHaveText(email);
  await page.screenshot({ path: `${SHOTS}/overview-new-tenant.png`, fullPage: true });

  await page.getByRole("link", { name: "API keys", exact: true }).click();
  await expect(page.getByText("No API keys yet")).toBeVisible();
  await page.getByRole("button", { name: "Create API key" }).click();
  await page.getByLabel("Name").fill("Backend ingest");
  await page.getByRole("checkbox", { name: /admin/ }).check();
  await page.getByRole("button", { name: "Create key" }).click();

  const secretEl = page.getByTestId("new-key-secret");
  await expect(secretEl).toHaveText(/^sm_test_[0-9A-Za-z]{22}$/);
  const secret = (await secretEl.textContent())!.trim();
  await expect(page.getByText("This is the only time the full key is shown")).toBeVisible();
  const row = page.locator("[data-key-id]").filter({ hasText: "Backend ingest" });
  await expect(row).toContainText(`${secret.slice(0, 14)}…`);
  await expect(row).toContainText("events:write");
  await expect(row).toContainText("admin");
  await page.screenshot({ path: `${SHOTS}/keys-created-once.png`, fullPage: true });

  // The key works against the public API, for this tenant: it creates a meter the console then counts.
  const created = await request.post("/api/v1/meters", {
    headers: { authorization: `Bearer ${secret}` },
    data: { metric: "api_calls", displayName: "API calls" },
  });
  expect(created.status()).toBe(201);
  const bogus = await request.get("/api/v1/meters", { headers: { authorization: `Bearer ${secret}x` } });
  expect(bogus.status()).toBe(401);

  await page.reload();
  await expect(page.getByTestId("new-key-banner")).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await expect(row).toContainText(`${secret.slice(0, 14)}…`);
  await expect(row.getByTestId("key-last-used")).not.toHaveText("Never");

  await page.getByRole("link", { name: "Overview", exact: true }).click();
  await expect(page.getByTestId("stat-meters")).toHaveText("1");
  await expect(page.getByTestId("stat-keys")).toHaveText("1");

  // Rotate: a new secret is shown once, the old one stops working (within the key cache's few seconds).
  await page.getByRole("link", { name: "API keys", exact: true }).click();
  page.once("dialog", (d) => void d.accept());
  await row.getByRole("button", { name: "Rotate" }).click();
  await expect(page.getByTestId("new-key-secret")).toHaveText(/^sm_test_[0-9A-Za-z]{22}$/);
  const rotated = (await page.getByTestId("new-key-secret").textContent())!.trim();
  expect(rotated).not.toBe(secret);
  const statusWith = async (key: string) =>
    (await request.get("/api/v1/meters", { headers: { authorization: `Bearer ${key}` } })).status();
  await expect.poll(() => statusWith(secret), { timeout: 15_000 }).toBe(401);
  expect(await statusWith(rotated)).toBe(200);

  // Revoke the replacement: it stops working too.
  const activeRow = page.locator("[data-key-id]").filter({ hasText: `${rotated.slice(0, 14)}…` });
  page.once("dialog", (d) => void d.accept());
  await activeRow.getByRole("button", { name: "Revoke" }).click();
  await expect(activeRow).toContainText("revoked");
  await expect(page.getByTestId("new-key-banner")).toHaveCount(0);
  await expect.poll(() => statusWith(rotated), { timeout: 15_000 }).toBe(401);
  await page.screenshot({ path: `${SHOTS}/keys-rotated-revoked.png`, fullPage: true });

  // Sign out: back to /login, and the console is closed again.
  const session = (await page.context().cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
  expect(session?.value).toBeTruthy();
  const cookie = `${session?.name}=${session?.value}`;
  const withCopy = (path: string) => page.request.get(path, { headers: { cookie } });
  expect((await withCopy("/api/console/overview")).status()).toBe(200);
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await page.waitForURL("**/login");
  await page.goto("/keys");
  await expect(page).toHaveURL(/\/login$/);
  // A copy of the signed-out cookie (another tab, a stolen cookie) is refused as well, and
  // next-auth will not refresh it.
  const refused = await withCopy("/api/console/overview");
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.code).toBe("unauthorized");
  const copyPage = await page.request.get("/keys", { headers: { cookie }, maxRedirects: 0 });
  expect(copyPage.status()).toBe(307);
  expect(copyPage.headers().location).toMatch(/\/login$/);
  expect(await (await withCopy("/api/auth/session")).json()).toEqual({});
});

test("a sign-out the server could not record is shown, and the user stays signed in", async ({ page }) => {
  const email = uniqueEmail("signout");
  await signUp(page, email, "Sign-out Co");
  // The e2e server's own database (playwright.config.ts) refuses this user's revocation.
  const db = new pg.Client({ connectionString: "postgres://postgres:postgres@127.0.0.1:54340/stripemeter" });
  await db.connect();
  const fn = `e2e_refuse_${Date.now()}`;
  await db.query(`CREATE FUNCTION ${fn}() RETURNS trigger AS $$
    BEGIN IF NEW.user_id = (SELECT id FROM users WHERE email = '${email}') THEN
      RAISE EXCEPTION 'revocation refused by the e2e test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
  await db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON revoked_sessions FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
  try {
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await expect(page.getByRole("alert").first()).toHaveText("Signing out failed; you are still signed in. Try again.");
    await expect(page).toHaveURL(/\/overview$/);
    expect((await page.request.get("/api/console/overview")).status()).toBe(200);
  } finally {
    await db.query(`DROP TRIGGER ${fn} ON revoked_sessions`);
    await db.query(`DROP FUNCTION ${fn}()`);
    await db.end();
  }
  // Once the database takes it again, the same button signs out.
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await page.waitForURL("**/login");
  expect((await page.request.get("/api/console/overview")).status()).toBe(401);
});

test("the seeded demo user signs in and sees the Acme tenant", async ({ page }) => {
  await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
  await expect(page.getByRole("heading", { name: "Acme" })).toBeVisible();
  await expect(page.getByTestId("tenant-switcher")).toContainText("Acme");
  await expect(page.getByTestId("stat-meters")).toHaveText("2");
  await expect(page.getByTestId("stat-customers")).toHaveText("3");
  await expect(page.getByText("Seeded demo data")).toBeVisible();
  await setTheme(page, "light");
  await page.screenshot({ path: `${SHOTS}/overview-acme-light.png`, fullPage: true });
  await setTheme(page, "dark");
  await page.screenshot({ path: `${SHOTS}/overview-acme-dark.png`, fullPage: true });
  await page.getByRole("link", { name: "API keys", exact: true }).click();
  await expect(page.locator("[data-key-id]").filter({ hasText: "Quick start key" }).first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/keys-acme-dark.png`, fullPage: true });
  await page.getByRole("link", { name: "Audit log", exact: true }).click();
  await expect(page.getByTestId("audit-rows")).toContainText("demo.seeded");
  await page.screenshot({ path: `${SHOTS}/audit-log-dark.png`, fullPage: true });
  await page.getByRole("link", { name: "API reference ↗", exact: true }).click();
  await page.waitForURL("**/docs");
  await expect(page.getByText("/api/v1/events/ingest").first()).toBeVisible();
});

test("team: invite links for a new and an existing account, change a role", async ({ page, request }) => {
  const colleague = uniqueEmail("colleague");
  // A browser sends Origin with a POST; without one the route refuses it (lib/api/with-session.ts).
  const signup = await request.post("/api/signup", {
    data: { email: colleague, password: PASSWORD, tenantName: "Colleague Co" },
    headers: { origin: new URL(test.info().project.use.baseURL ?? "").origin },
  });
  expect(signup.status()).toBe(201);
  const stranger = uniqueEmail("stranger");

  await signUp(page, uniqueEmail("owner"), "Initech");
  await page.getByRole("link", { name: "Team", exact: true }).click();
  await page.getByLabel("Email", { exact: true }).fill(stranger);
  await page.getByLabel("Role", { exact: true }).selectOption("admin");
  await page.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByRole("status")).toContainText("they join by signing up through the link");
  await expect(page.getByTestId("invitations-list")).toContainText(stranger);
  const inviteLink = (await page.getByTestId("invite-link").textContent()) ?? "";
  expect(inviteLink).toMatch(/\/signup\?invite=[0-9A-Za-z]{22}$/);
  await page.screenshot({ path: `${SHOTS}/team-invite-link.png`, fullPage: true });

  // An existing account is not added on the email alone: it gets a link too.
  await page.getByLabel("Email", { exact: true }).fill(colleague.toUpperCase());
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Invite" }).click();
  await expect(page.getByRole("status")).toContainText("already have an account");
  const colleagueLink = (await page.getByTestId("invite-link").textContent()) ?? "";
  expect(colleagueLink).toMatch(/\/signup\?invite=[0-9A-Za-z]{22}$/);
  await expect(page.locator(`[data-member-email="${colleague}"]`)).toHaveCount(0);

  // The colleague opens the link signed out, signs in, accepts, and lands in Initech.
  const other = await page.context().browser()!.newContext();
  const p2 = await other.newPage();
  await p2.goto(colleagueLink);
  await p2.getByRole("link", { name: "Sign in to accept" }).click();
  await p2.getByLabel("Email").fill(colleague);
  await p2.getByLabel("Password").fill(PASSWORD);
  await p2.getByRole("button", { name: "Sign in" }).click();
  await p2.waitForURL(/\/signup\?invite=/);
  await expect(p2.getByTestId("invitation-summary")).toContainText("as viewer");
  await p2.getByRole("button", { name: "Join Initech" }).click();
  await p2.waitForURL("**/overview");
  await expect(p2.getByRole("heading", { name: "Initech" })).toBeVisible();
  // A viewer sees the tenant's settings but cannot change them.
  await p2.getByRole("link", { name: "Settings", exact: true }).click();
  await expect(p2.getByTestId("lateness-hours")).toHaveValue("48");
  await expect(p2.getByTestId("lateness-hours")).toBeDisabled();
  await expect(p2.getByText("Only admins and owners can change it.")).toBeVisible();
  await expect(p2.getByRole("button", { name: "Save" })).toHaveCount(0);
  await p2.getByRole("link", { name: "Overview", exact: true }).click();

  await page.reload();
  const member = page.locator(`[data-member-email="${colleague}"]`);
  await expect(member).toBeVisible();
  await member.getByLabel(`Role of ${colleague}`).selectOption("admin");
  await expect(page.getByRole("status")).toContainText(`${colleague} is now admin`);
  await page.reload();
  await expect(member.getByLabel(`Role of ${colleague}`)).toHaveValue("admin");
  await page.screenshot({ path: `${SHOTS}/team.png`, fullPage: true });

  // The colleague now has two tenants and can switch between them.
  await p2.getByTestId("tenant-switcher").selectOption({ label: "Colleague Co (owner)" });
  await expect(p2.getByRole("heading", { name: "Colleague Co" })).toBeVisible();
  await p2.getByTestId("tenant-switcher").selectOption({ label: "Initech (admin)" });
  await expect(p2.getByRole("heading", { name: "Initech" })).toBeVisible();
  await p2.getByRole("link", { name: "Audit log", exact: true }).click();
  await expect(p2.getByTestId("audit-rows")).toContainText("member.role_changed");
  await other.close();

  // The stranger accepts through the link: it shows the invitation and opens Initech as admin.
  const invitee = await page.context().browser()!.newContext();
  const p3 = await invitee.newPage();
  await p3.goto(inviteLink);
  await expect(p3.getByRole("heading", { name: "Join Initech" })).toBeVisible();
  await expect(p3.getByTestId("invitation-summary")).toContainText("as admin");
  await expect(p3.getByLabel("Work email")).toHaveValue(stranger);
  await expect(p3.getByLabel("Company or workspace name")).toHaveCount(0);
  await p3.screenshot({ path: `${SHOTS}/signup-invited.png`, fullPage: true });
  await p3.getByLabel("Password").fill(PASSWORD);
  await p3.getByRole("button", { name: "Create account and join" }).click();
  await p3.waitForURL("**/overview");
  await expect(p3.getByRole("heading", { name: "Initech" })).toBeVisible();
  // Only the invited tenant: no workspace of their own was created.
  await expect(p3.getByTestId("tenant-switcher").locator("option:checked")).toHaveText("Initech (admin)");
  await expect(p3.getByTestId("tenant-switcher").locator("option", { hasText: "(owner)" })).toHaveCount(0);
  await invitee.close();

  // The link worked once: the invitation is gone and the link is now refused.
  await page.reload();
  await expect(page.locator(`[data-member-email="${stranger}"]`)).toContainText(stranger);
  await expect(page.getByTestId("invitations-list")).toHaveCount(0);
  const reuse = await page.context().browser()!.newContext();
  const p4 = await reuse.newPage();
  await p4.goto(inviteLink);
  await expect(p4.getByText("This invitation link is not valid")).toBeVisible();
  await expect(p4.getByRole("heading", { name: "Create your account" })).toBeVisible();
  await reuse.close();
});

test("settings: an owner changes the lateness window, out-of-range values are refused, the audit log records it", async ({
  page,
  request,
}) => {
  await signUp(page, uniqueEmail("settings"), "Hooli");
  await page.getByRole("link", { name: "Settings", exact: true }).click();
  const hours = page.getByTestId("lateness-hours");
  await expect(hours).toHaveValue("48");
  await expect(page.getByRole("button", { name: "Save" })).toBeDisabled(); // nothing changed yet
  await hours.fill("24");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText("for 24 h after it ends");
  await page.screenshot({ path: `${SHOTS}/settings.png`, fullPage: true });
  await page.reload();
  await expect(hours).toHaveValue("24");

  // The console's API refuses what the form's own checks would stop, with the rule in the message.
  // (page.request shares the page's cookies but, unlike the page, sends no Origin: add it)
  const refused = await page.request.patch("/api/console/settings", {
    data: { latenessWindowHours: 73 },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(refused.status()).toBe(422);
  expect((await refused.json()).error.details[0].message).toMatch(/at most 72/);
  expect(await (await page.request.get("/api/console/settings")).json()).toEqual({ latenessWindowHours: 24 });
  // and a signed-out client cannot read or change it
  expect((await request.patch("/api/console/settings", { data: { latenessWindowHours: 1 } })).status()).toBe(401);

  await page.getByRole("link", { name: "Audit log", exact: true }).click();
  await expect(page.getByTestId("audit-rows")).toContainText("Changed the lateness window from 48 h to 24 h");
});

test("the theme toggle switches to dark and the choice survives a reload", async ({ page }) => {
  await signIn(page, DEMO_EMAIL, DEMO_PASSWORD);
  await setTheme(page, "light");
  const html = page.locator("html");
  await expect(html).not.toHaveClass(/dark/);
  await page.getByTestId("theme-toggle").click();
  await expect(html).toHaveClass(/dark/);
  await page.reload();
  await expect(html).toHaveClass(/dark/);
  await page.getByTestId("theme-toggle").click();
  await expect(html).not.toHaveClass(/dark/);
  expect(await page.evaluate(() => localStorage.getItem("sm-theme"))).toBe("light");
});
