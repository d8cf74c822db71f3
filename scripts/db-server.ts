// Runs the embedded PostgreSQL in the foreground until interrupted (`npm run db:start`).
import { resolveDatabase } from "../lib/db/embedded";

const db = await resolveDatabase((l) => console.log(l));
console.log(`DATABASE_URL=${db.url}`);
const stop = async () => {
  await db.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setInterval(() => {}, 1 << 30);
