import { CliError, runCli } from "../lib/cli/run-cli";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { getDb } from "../lib/db/client";

// Progress goes to stderr so that stdout's last line is the command's result.
// No statement time limit unless asked for: `counters verify` over millions of events takes
// longer than the app's 30 s (lib/db/pool-config.ts). The pools are created on first use.
process.env.DB_QUERY_TIMEOUT_MS ??= "0";
let database: Awaited<ReturnType<typeof bootstrapDatabase>> | undefined;
let code = 0;
try {
  database = await bootstrapDatabase((l) => process.stderr.write(`${l}\n`));
  code = await runCli(process.argv.slice(2), (line) => process.stdout.write(`${line}\n`));
} catch (err) {
  // Exit statuses: CLI_USAGE (lib/cli/run-cli.ts).
  code = err instanceof CliError ? 2 : 3;
  process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
} finally {
  await getDb()
    .$disconnect()
    .catch(() => {});
  await database?.stop();
}
process.exit(code);
