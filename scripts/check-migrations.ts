// CI check: the committed migrations and prisma/schema.prisma describe the same database.
// Database A gets the migrations; database B gets the SQL Prisma derives from the schema
// (`migrate diff --from-empty`); their catalogs (columns, types, defaults, constraints,
// indexes, enums) must match. Hand-written extras (functions, partitions, CHECK constraints,
// which schema.prisma cannot express) are allowed.
import { spawnSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { type ResolvedDatabase, resolveDatabase } from "../lib/db/embedded";
import { migrateDatabase } from "../lib/db/migrate";

const SNAPSHOT_QUERIES = {
  columns: `select c.table_name || '.' || c.column_name || ' ' || c.data_type || coalesce('(' || c.character_maximum_length || ')', '')
              || coalesce(' p' || c.numeric_precision || ',' || c.numeric_scale, '') || ' ' || c.udt_name
              || case when c.is_nullable = 'NO' then ' not null' else '' end || coalesce(' default ' || c.column_default, '') as v
            from information_schema.columns c join pg_class t on t.relname = c.table_name
            join pg_namespace n on n.oid = t.relnamespace and n.nspname = c.table_schema
            where c.table_schema = 'public' and c.table_name <> '_prisma_migrations' and not t.relispartition`,
  constraints: `select t.relname || ' ' || con.conname || ' ' || pg_get_constraintdef(con.oid) as v
            from pg_constraint con join pg_class t on t.oid = con.conrelid join pg_namespace n on n.oid = t.relnamespace
            where n.nspname = 'public' and t.relname <> '_prisma_migrations' and not t.relispartition`,
  indexes: `select i.indexname || ' ' || regexp_replace(i.indexdef, ' ON (ONLY )?', ' ON ') as v from pg_indexes i
            join pg_class t on t.relname = i.tablename join pg_namespace n on n.oid = t.relnamespace and n.nspname = i.schemaname
            where i.schemaname = 'public' and i.tablename <> '_prisma_migrations' and not t.relispartition`,
  enums: `select t.typname || ' ' || string_agg(e.enumlabel, ',' order by e.enumsortorder) as v
            from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
            where n.nspname = 'public' group by t.typname`,
};

async function snapshot(url: string): Promise<Map<string, Set<string>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out = new Map<string, Set<string>>();
    for (const [name, sql] of Object.entries(SNAPSHOT_QUERIES)) {
      const { rows } = await client.query<{ v: string }>(sql);
      out.set(name, new Set(rows.map((r) => r.v)));
    }
    return out;
  } finally {
    await client.end();
  }
}

async function recreate(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`drop database if exists "${name}" with (force)`);
  await client.query(`create database "${name}"`);
  await client.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A CHECK constraint added by hand in a migration (`<table> <name> CHECK (...)`). */
function isCheckConstraint(kind: string, v: string): boolean {
  return kind === "constraints" && / CHECK \(/.test(v);
}

let database: ResolvedDatabase | undefined;
let failed = false;
try {
  database = await resolveDatabase((l) => console.error(l));
  const fromMigrations = await recreate(database.url, "sm_check_migrations");
  const fromSchema = await recreate(database.url, "sm_check_schema");
  await migrateDatabase(fromMigrations);
  const prisma = path.join(process.cwd(), "node_modules", "prisma", "build", "index.js");
  const diff = spawnSync(
    process.execPath,
    [prisma, "migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { encoding: "utf8", env: { ...process.env, DATABASE_URL: fromSchema, CHECKPOINT_DISABLE: "1" } },
  );
  if (diff.status !== 0) throw new Error(`prisma migrate diff failed: ${diff.stderr}`);
  const client = new pg.Client({ connectionString: fromSchema });
  await client.connect();
  await client.query(diff.stdout);
  await client.end();
  const [a, b] = await Promise.all([snapshot(fromMigrations), snapshot(fromSchema)]);
  for (const kind of Object.keys(SNAPSHOT_QUERIES)) {
    const onlyA = [...(a.get(kind) ?? [])].filter((v) => !b.get(kind)?.has(v) && !isCheckConstraint(kind, v));
    const onlyB = [...(b.get(kind) ?? [])].filter((v) => !a.get(kind)?.has(v));
    for (const v of onlyA) console.error(`only in migrations: ${kind}: ${v}`);
    for (const v of onlyB) console.error(`only in schema.prisma: ${kind}: ${v}`);
    if (onlyA.length + onlyB.length > 0) failed = true;
  }
  console.log(failed ? "migrations and schema.prisma DIFFER" : "migrations and schema.prisma agree");
} finally {
  await database?.stop();
}
process.exit(failed ? 1 : 0);
