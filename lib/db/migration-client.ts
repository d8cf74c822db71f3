// Used only by prisma.config.ts for the Prisma CLI (migrate deploy/status/diff).
// adapter-pg 6.19 cannot map Postgres' `name` type (OID 19) that the schema engine's
// catalog queries return (upstream prisma/orm#27403); report it as `text` (OID 25).
import pg from "pg";

type Fielded = { fields?: Array<{ dataTypeID: number }> };

function patchFields<T>(result: T): T {
  const results = Array.isArray(result) ? result : [result];
  for (const r of results as Fielded[]) {
    for (const f of r?.fields ?? []) if (f.dataTypeID === 19) f.dataTypeID = 25;
  }
  return result;
}

export class NameTypeSafeClient extends pg.Client {
  // biome-ignore lint/suspicious/noExplicitAny: mirrors pg.Client.query's overloads
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      const cb = last as (err: Error | null, res: unknown) => void;
      args[args.length - 1] = (err: Error | null, res: unknown) => cb(err, err ? res : patchFields(res));
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (super.query as any)(...args);
    }
    // biome-ignore lint/suspicious/noExplicitAny: see above
    const out = (super.query as any)(...args);
    return out && typeof out.then === "function" ? out.then(patchFields) : out;
  }
}
