import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { poolTimeouts } from "./pool-config";

// One client per process (Next dev reloads modules; keep the pool on globalThis).
const globalForPrisma = globalThis as unknown as { __smPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set (start the app with `npm run dev` or `npm start`)");
  const adapter = new PrismaPg({ connectionString, max: Number(process.env.DB_POOL_SIZE ?? 10), ...poolTimeouts() });
  return new PrismaClient({ adapter });
}

/** Lazily created so importing a module never needs a database. */
export function getDb(): PrismaClient {
  globalForPrisma.__smPrisma ??= createClient();
  return globalForPrisma.__smPrisma;
}

export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_t, prop) {
    const client = getDb();
    const value = Reflect.get(client, prop, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});
