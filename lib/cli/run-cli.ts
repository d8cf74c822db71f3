import { parseArgs } from "node:util";
import { API_KEY_SCOPES, type ApiKeyScope, createApiKey, listApiKeys, revokeApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { createTenant } from "@/lib/tenants/create-tenant";
import { getTenantSettings, updateTenantSettings, ZTenantSettingsPatch } from "@/lib/tenants/tenant-settings";
import { type CounterDifference, verifyCounters } from "@/lib/usage/verify-counters";

export const CLI_USAGE = `Usage: npm run cli -- <command> [options]

  tenant create --name <name> [--json]             create a tenant and an API key with every scope
  tenant list [--json]
  tenant settings --tenant <id> [--lateness-window-hours 0..72] [--json]   show (or change) a tenant's settings
  keys create --tenant <id> [--name <n>] [--scopes a,b] [--mode test|live] [--expires-in-days N] [--json]
  keys list --tenant <id> [--json]
  keys revoke --tenant <id> --id <key_id> [--json]
  counters verify [--tenant <id>] [--fix] [--json]  rebuild counters from events + adjustments, report (and fix) differences,
                                                    and check each late event's automatic adjustment (reported, never fixed)

Exit status: 0 done; 1 counters verify found differences (with --fix: some were not fixed) or a
faulty late-event adjustment;
2 a usage error; 3 any other failure (e.g. the database).

The database is DATABASE_URL, else the embedded PostgreSQL (started if not running).`;

export class CliError extends Error {}

type Out = (line: string) => void;

function parseScopes(raw: string | undefined): ApiKeyScope[] {
  if (!raw) return [...API_KEY_SCOPES];
  const scopes = raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const s of scopes) {
    if (!(API_KEY_SCOPES as readonly string[]).includes(s)) {
      throw new CliError(`unknown scope "${s}" (known: ${API_KEY_SCOPES.join(", ")})`);
    }
  }
  return scopes as ApiKeyScope[];
}

async function requireTenant(id: string | undefined): Promise<string> {
  if (!id) throw new CliError("--tenant <id> is required");
  const tenant = await db.tenant.findUnique({ where: { id } });
  if (!tenant) throw new CliError(`tenant ${id} not found`);
  return tenant.id;
}

/** The command line, or a CliError (a usage error, exit 2) naming what node:util's parser refused. */
function parseCliArgs(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        tenant: { type: "string" },
        id: { type: "string" },
        scopes: { type: "string" },
        mode: { type: "string" },
        "expires-in-days": { type: "string" },
        "lateness-window-hours": { type: "string" },
        json: { type: "boolean", default: false },
        fix: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (err) {
    // e.g. an unknown option, or `--lateness-window-hours -1` (write `--lateness-window-hours=-1`)
    throw new CliError(`${err instanceof Error ? err.message : String(err)}\n\n${CLI_USAGE}`);
  }
}

/**
 * Runs one CLI command; JSON output (with --json) is always the last line. Resolves to its exit
 * code. `counters verify` exits with 1 while differences
 * remain (found without `--fix`, or not all fixed), so a scheduled check fails visibly, like
 * `diff`. Usage errors throw a CliError (exit 2).
 */
export async function runCli(argv: string[], out: Out): Promise<number> {
  const { values, positionals } = parseCliArgs(argv);
  const [group, action] = positionals;
  const emit = (human: string, data: unknown) => out(values.json ? JSON.stringify(data) : human);
  const actor = { type: "cli" as const, id: null };

  if (values.help || !group) {
    out(CLI_USAGE);
    return 0;
  }
  if (group === "tenant" && action === "create") {
    if (!values.name?.trim()) throw new CliError("--name <name> is required");
    const tenant = await createTenant({ name: values.name, actor });
    const key = await createApiKey({ tenantId: tenant.id, name: "CLI key", scopes: API_KEY_SCOPES, actor });
    emit(`Created tenant ${tenant.name} (${tenant.id})\nAPI key (shown once): ${key.key}`, {
      tenantId: tenant.id,
      apiKey: key.key,
    });
    return 0;
  }
  if (group === "tenant" && action === "list") {
    const tenants = await db.tenant.findMany({ orderBy: { createdAt: "asc" } });
    const data = tenants.map((t) => ({ tenantId: t.id, name: t.name, createdAt: t.createdAt.toISOString() }));
    emit(data.map((t) => `${t.tenantId}  ${t.name}`).join("\n") || "(no tenants)", data);
    return 0;
  }
  if (group === "tenant" && action === "settings") {
    const tenantId = await requireTenant(values.tenant);
    const raw = values["lateness-window-hours"];
    let settings = await getTenantSettings(tenantId);
    if (raw !== undefined) {
      // The console's own rules (whole hours, 0–72), so both paths refuse the same values.
      const parsed = ZTenantSettingsPatch.safeParse({
        latenessWindowHours: /^\d+$/.test(raw.trim()) ? Number(raw) : raw,
      });
      if (!parsed.success) throw new CliError(`--lateness-window-hours: ${parsed.error.issues[0].message}`);
      settings = await updateTenantSettings({ tenantId, patch: parsed.data, actor });
    }
    emit(`${tenantId}  lateness window ${settings.latenessWindowHours} h`, { tenantId, ...settings });
    return 0;
  }
  if (group === "keys" && action === "create") {
    const tenantId = await requireTenant(values.tenant);
    const mode = values.mode ?? "test";
    if (mode !== "test" && mode !== "live") throw new CliError("--mode must be test or live");
    let expiresAt: Date | null = null;
    if (values["expires-in-days"] !== undefined) {
      const days = Number(values["expires-in-days"]);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw new CliError("--expires-in-days must be 1..3650");
      expiresAt = new Date(Date.now() + days * 86_400_000);
    }
    const key = await createApiKey({
      tenantId,
      name: values.name ?? "CLI key",
      scopes: parseScopes(values.scopes),
      mode,
      expiresAt,
      actor,
    });
    emit(`Created ${key.id} (${key.scopes.join(", ")})\nAPI key (shown once): ${key.key}`, {
      tenantId,
      keyId: key.id,
      apiKey: key.key,
      scopes: key.scopes,
      expiresAt: key.expiresAt?.toISOString() ?? null,
    });
    return 0;
  }
  if (group === "keys" && action === "list") {
    const tenantId = await requireTenant(values.tenant);
    const keys = await listApiKeys(tenantId);
    const data = keys.map((k) => ({
      keyId: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes,
      createdAt: k.createdAt.toISOString(),
      lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
      expiresAt: k.expiresAt?.toISOString() ?? null,
      revokedAt: k.revokedAt?.toISOString() ?? null,
    }));
    emit(
      data.map((k) => `${k.keyId}  ${k.prefix}…  ${k.revokedAt ? "revoked" : "active"}  ${k.name}`).join("\n") ||
        "(no keys)",
      data,
    );
    return 0;
  }
  if (group === "keys" && action === "revoke") {
    const tenantId = await requireTenant(values.tenant);
    if (!values.id) throw new CliError("--id <key_id> is required");
    const existing = await db.apiKey.findUnique({ where: { tenantId_id: { tenantId, id: values.id } } });
    if (!existing) throw new CliError(`key ${values.id} not found in tenant ${tenantId}`);
    const key = await revokeApiKey({ tenantId, id: values.id, actor });
    emit(`Revoked ${key.id}`, { keyId: key.id, revokedAt: key.revokedAt?.toISOString() ?? null });
    return 0;
  }
  if (group === "counters" && action === "verify") {
    const tenantId = values.tenant ? await requireTenant(values.tenant) : undefined;
    const result = await verifyCounters({ tenantId, fix: values.fix });
    const lines = result.differences.map(
      (d) =>
        `${d.tenantId} ${d.metric} ${d.customerRef} ${d.periodStart}: expected ${d.expected?.value ?? "(no counter)"}` +
        ` (${d.expected?.eventCount ?? 0} events), counter ${d.actual?.value ?? "(missing)"}` +
        ` (${d.actual?.eventCount ?? 0} events)${otherDifferences(d)}`,
    );
    const links = result.lateEventLinks.map(
      (p) =>
        `${p.tenantId} event ${p.eventId}${p.idempotencyKey === null ? "" : ` (${p.idempotencyKey})`}` +
        `${p.adjustmentIds.length > 0 ? ` adjustments ${p.adjustmentIds.join(", ")}` : ""}: ${p.problem}`,
    );
    const summary =
      `${result.checked} counters checked, ${result.differences.length} differences${values.fix ? `, ${result.fixed} fixed` : ""}; ` +
      `${result.lateEventsChecked} late events checked, ${result.lateEventLinks.length} with a faulty automatic adjustment` +
      `${values.fix && result.lateEventLinks.length > 0 ? " (not fixed: correct them with POST /api/v1/adjustments)" : ""}`;
    emit([...lines, ...links, summary].join("\n"), result);
    return result.differences.length > (values.fix ? result.fixed : 0) || result.lateEventLinks.length > 0 ? 1 : 0;
  }
  throw new CliError(`unknown command "${positionals.join(" ")}"\n\n${CLI_USAGE}`);
}

/**
 * What else differs when value and event count agree or not: the adjustment total, the `last`
 * winner, the distinct values (docs/ingest.md, "Verify and repair": it prints the differences).
 */
function otherDifferences(d: CounterDifference): string {
  const { expected: e, actual: a } = d;
  if (!e || !a) return "";
  const parts: string[] = [];
  if (e.adjustmentTotal !== a.adjustmentTotal) {
    parts.push(`adjustment total expected ${e.adjustmentTotal}, counter ${a.adjustmentTotal}`);
  }
  if (e.lastTs !== a.lastTs || e.lastKey !== a.lastKey) {
    parts.push(`last event expected ${e.lastKey} at ${e.lastTs}, counter ${a.lastKey} at ${a.lastTs}`);
  }
  if (e.uniques !== a.uniques || e.uniquesNotInLedger !== a.uniquesNotInLedger) {
    parts.push(
      `distinct values expected ${e.uniques}, counter ${a.uniques} (${a.uniquesNotInLedger} not in the ledger)`,
    );
  }
  return parts.length > 0 ? `; ${parts.join("; ")}` : "";
}
