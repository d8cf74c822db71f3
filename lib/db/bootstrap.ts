// For scripts (dev, start, cli): pick the database, start the embedded one if needed,
// apply migrations, and export DATABASE_URL for everything that follows.
import { type ResolvedDatabase, resolveDatabase } from "./embedded";
import { migrateDatabase } from "./migrate";

export async function bootstrapDatabase(log: (line: string) => void = () => {}): Promise<ResolvedDatabase> {
  const resolved = await resolveDatabase(log);
  try {
    const { applied } = await migrateDatabase(resolved.url);
    for (const name of applied) log(`applied migration ${name}`);
  } catch (err) {
    await resolved.stop();
    throw err;
  }
  process.env.DATABASE_URL = resolved.url;
  return resolved;
}
