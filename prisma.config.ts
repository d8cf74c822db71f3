import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { NameTypeSafeClient } from "./lib/db/migration-client";

// The JS schema engine (no native binary download): see ARCHITECTURE.md.
export default defineConfig({
  schema: path.join("prisma", "schema.prisma"),
  experimental: { adapter: true },
  engine: "js",
  async adapter() {
    return new PrismaPg({ connectionString: process.env.DATABASE_URL, Client: NameTypeSafeClient });
  },
});
