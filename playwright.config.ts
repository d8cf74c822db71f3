import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);

// Debian's Chromium (apt-get install -y chromium); `npx playwright install` cannot run offline.
export default defineConfig({
  testDir: "tests/e2e",
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  outputDir: "test-results/e2e",
  use: {
    baseURL: `http://localhost:${PORT}`,
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: {
    // A production server (run `npm run build` first) on its own throwaway embedded database.
    command: `rm -rf .data/pg-e2e && SM_PG_PORT=54340 SM_PG_DATA=.data/pg-e2e PORT=${PORT} NEXTAUTH_URL=http://localhost:${PORT} SEED_DEMO=1 npx tsx scripts/run-app.ts start`,
    url: `http://localhost:${PORT}/api/health/ready`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
