import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { authenticateApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { ingestEvents } from "@/lib/ingest/ingest-events";

// Runs the real CLI (`npm run cli` = tsx scripts/cli.ts) against the test database.
function cli(...args: string[]) {
  return cliWith({}, ...args);
}
function cliWith(env: Record<string, string>, ...args: string[]) {
  const res = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/cli.ts", ...args], {
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    timeout: 60_000,
  });
  const lines = res.stdout.trim().split("\n");
  return { code: res.status, stdout: res.stdout, stderr: res.stderr, last: lines[lines.length - 1] };
}

// Each call starts a node process that loads tsx and the app (1–3 s on a loaded 2-core machine):
// a test that makes a dozen of them needs more than the suite's 30 s.
describe("CLI", { timeout: 120_000 }, () => {
  it("tenant create --json prints { tenantId, apiKey } as the last line, with an every-scope key", async () => {
    const res = cli("tenant", "create", "--name", "Acme CLI", "--json");
    expect(res.code).toBe(0);
    const out = JSON.parse(res.last);
    expect(Object.keys(out).sort()).toEqual(["apiKey", "tenantId"]);
    expect(out.tenantId).toMatch(/^ten_/);
    expect(out.apiKey).toMatch(/^sm_test_/);
    const tenant = await db.tenant.findUniqueOrThrow({ where: { id: out.tenantId } });
    expect(tenant.name).toBe("Acme CLI");
    const auth = await authenticateApiKey(out.apiKey);
    expect(auth).toEqual({
      ok: true,
      key: expect.objectContaining({
        tenantId: out.tenantId,
        scopes: ["admin", "events:write", "usage:read", "widget:mint"],
      }),
    });
  });

  it("keys create, list and revoke within one tenant", async () => {
    const { tenantId } = JSON.parse(cli("tenant", "create", "--name", "Keys Co", "--json").last);
    const created = JSON.parse(
      cli(
        "keys",
        "create",
        "--tenant",
        tenantId,
        "--name",
        "ingest",
        "--scopes",
        "events:write",
        "--mode",
        "live",
        "--json",
      ).last,
    );
    expect(created.apiKey).toMatch(/^sm_live_/);
    expect(created.scopes).toEqual(["events:write"]);
    const listed = JSON.parse(cli("keys", "list", "--tenant", tenantId, "--json").last);
    expect(listed.map((k: { keyId: string }) => k.keyId)).toContain(created.keyId);
    expect(JSON.stringify(listed)).not.toContain(created.apiKey);
    const revoked = JSON.parse(cli("keys", "revoke", "--tenant", tenantId, "--id", created.keyId, "--json").last);
    expect(revoked.keyId).toBe(created.keyId);
    expect(await authenticateApiKey(created.apiKey)).toEqual({ ok: false, reason: "revoked" });
  });

  it("refuses bad input with a clear message and a non-zero exit", () => {
    const noName = cli("tenant", "create", "--json");
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("--name <name> is required");
    const badScope = cli("keys", "create", "--tenant", "ten_missing", "--scopes", "root");
    expect(badScope.code).toBe(2);
    expect(badScope.stderr).toContain("tenant ten_missing not found");
    const unknown = cli("frobnicate");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it("cannot revoke another tenant's key", () => {
    const a = JSON.parse(cli("tenant", "create", "--name", "A", "--json").last);
    const b = JSON.parse(cli("tenant", "create", "--name", "B", "--json").last);
    const keyOfA = JSON.parse(cli("keys", "list", "--tenant", a.tenantId, "--json").last)[0].keyId;
    const res = cli("keys", "revoke", "--tenant", b.tenantId, "--id", keyOfA, "--json");
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`key ${keyOfA} not found in tenant ${b.tenantId}`);
  });

  it("tenant settings shows and changes the lateness window, audit-logged as the CLI, and refuses bad values", async () => {
    const t = JSON.parse(cli("tenant", "create", "--name", "Settings Co", "--json").last);
    expect(JSON.parse(cli("tenant", "settings", "--tenant", t.tenantId, "--json").last)).toEqual({
      tenantId: t.tenantId,
      latenessWindowHours: 48,
    });
    const set = cli("tenant", "settings", "--tenant", t.tenantId, "--lateness-window-hours", "12", "--json");
    expect(set.code).toBe(0);
    expect(JSON.parse(set.last)).toEqual({ tenantId: t.tenantId, latenessWindowHours: 12 });
    expect(cli("tenant", "settings", "--tenant", t.tenantId).last).toBe(`${t.tenantId}  lateness window 12 h`);
    const log = await db.auditLog.findFirstOrThrow({
      where: { tenantId: t.tenantId, action: "tenant.settings_updated" },
    });
    expect([log.actorType, log.data]).toEqual(["cli", { latenessWindowHours: { from: 48, to: 12 } }]);

    for (const [value, message] of [
      ["73", "at most 72"],
      ["-1", "whole number of hours"],
      ["1.5", "whole number of hours"],
      ["", "whole number of hours"],
      ["abc", "whole number of hours"],
    ]) {
      const bad = cli("tenant", "settings", "--tenant", t.tenantId, `--lateness-window-hours=${value}`);
      expect(bad.code, value).toBe(2);
      expect(bad.stderr, value).toContain(message);
    }
    // a value that looks like an option, and an unknown option: usage errors, not crashes
    const ambiguous = cli("tenant", "settings", "--tenant", t.tenantId, "--lateness-window-hours", "-1");
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("--lateness-window-hours");
    const unknownOption = cli("tenant", "settings", "--tenant", t.tenantId, "--lateness", "5");
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("Unknown option '--lateness'");
    const missing = cli("tenant", "settings", "--tenant", "ten_missing", "--lateness-window-hours", "5");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("tenant ten_missing not found");
    expect((await db.tenant.findUniqueOrThrow({ where: { id: t.tenantId } })).latenessWindowHours).toBe(12);
  });
  it("counters verify prints what differs, --fix repairs it", async () => {
    const { tenantId } = JSON.parse(cli("tenant", "create", "--name", "Verify Co", "--json").last);
    await db.meter.create({
      data: { tenantId, id: newId("mtr"), metric: "gauge", displayName: "gauge", aggregation: "last" },
    });
    const ts = new Date(Date.now() - 5000).toISOString();
    await ingestEvents({
      tenantId,
      events: ["g1", "g2"].map((idempotencyKey) => ({
        metric: "gauge",
        customerRef: "c",
        quantity: 7,
        ts,
        idempotencyKey,
      })),
    });
    // Drift: the counter names the wrong winner of the tie (same value, same count).
    await db.$executeRaw`UPDATE counters SET last_key = 'g1' WHERE tenant_id = ${tenantId}`;

    // Differences fail the command (exit 1), so a scheduled check cannot pass over them.
    const found = cli("counters", "verify", "--tenant", tenantId);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`last event expected g2 at ${ts}, counter g1 at ${ts}`);
    expect(found.last).toBe(
      "1 counters checked, 1 differences; 0 late events checked, 0 with a faulty automatic adjustment",
    );
    const asJson = cli("counters", "verify", "--tenant", tenantId, "--json");
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.last)).toMatchObject({
      checked: 1,
      fixed: 0,
      differences: [{ tenantId, metric: "gauge" }],
    });
    const fixed = cli("counters", "verify", "--tenant", tenantId, "--fix");
    expect(fixed.last).toBe(
      "1 counters checked, 1 differences, 1 fixed; 0 late events checked, 0 with a faulty automatic adjustment",
    );
    expect(fixed.code).toBe(0);
    const clean = cli("counters", "verify", "--tenant", tenantId);
    expect(clean.last).toBe(
      "1 counters checked, 0 differences; 0 late events checked, 0 with a faulty automatic adjustment",
    );
    expect(clean.code).toBe(0);
  });
  it("counters verify reports a late event's faulty automatic adjustment, and --fix leaves it to a human", async () => {
    const { tenantId } = JSON.parse(cli("tenant", "create", "--name", "Late Co", "--json").last);
    // November closed 49 h before `now`: the event is late, and moves December by 6.
    const late = await ingestEvents({
      tenantId,
      now: new Date("2026-12-03T01:00:00Z"),
      events: [
        { metric: "api_calls", customerRef: "c", quantity: 6, ts: "2026-11-30T20:00:00Z", idempotencyKey: "late" },
      ],
    });
    expect(late.results[0]).toMatchObject({ status: "accepted", late: true });
    const clean = cli("counters", "verify", "--tenant", tenantId);
    expect(clean.last).toBe(
      "1 counters checked, 0 differences; 1 late events checked, 0 with a faulty automatic adjustment",
    );
    expect(clean.code).toBe(0);
    // The adjustment's delta and the counter drift together: the rebuild alone sees nothing.
    await db.$executeRaw`UPDATE adjustments SET delta = 5 WHERE tenant_id = ${tenantId}`;
    await db.$executeRaw`UPDATE counters SET value = 5, adjustment_total = 5 WHERE tenant_id = ${tenantId}`;
    for (const args of [[], ["--fix"]]) {
      const found = cli("counters", "verify", "--tenant", tenantId, ...args);
      expect(found.code).toBe(1);
      expect(found.stdout).toMatch(
        /event \d+ \(late\) adjustments adj_\w+: its automatic adjustment's delta is 5 instead of 6/,
      );
      expect(found.last).toBe(
        `1 counters checked, 0 differences${args.length ? ", 0 fixed" : ""}; 1 late events checked, 1 with a faulty automatic adjustment${args.length ? " (not fixed: correct them with POST /api/v1/adjustments)" : ""}`,
      );
    }
    const asJson = JSON.parse(cli("counters", "verify", "--tenant", tenantId, "--json").last);
    expect(asJson.lateEventLinks).toEqual([
      expect.objectContaining({
        tenantId,
        idempotencyKey: "late",
        problem: "its automatic adjustment's delta is 5 instead of 6",
      }),
    ]);
    await db.$executeRaw`UPDATE adjustments SET delta = 6 WHERE tenant_id = ${tenantId}`;
    await db.$executeRaw`UPDATE counters SET value = 6, adjustment_total = 6 WHERE tenant_id = ${tenantId}`;
    expect(cli("counters", "verify", "--tenant", tenantId).code).toBe(0);
  });
  it("a database it cannot reach fails with exit 3 and one line, not a stack", async () => {
    const res = cliWith(
      { DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", DB_CONNECT_TIMEOUT_MS: "2000" },
      "counters",
      "verify",
    );
    expect(res.code).toBe(3);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(/^error: /);
    expect(res.stdout).toBe("");
  });
});
