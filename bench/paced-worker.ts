// The load generator's worker thread (bench/paced.ts): runs one paced run per message.
import { parentPort } from "node:worker_threads";
import { pacedHere } from "./paced";

parentPort?.on("message", async (job: Parameters<typeof pacedHere>) => {
  parentPort?.postMessage(await pacedHere(...job));
});
