import { PrismaPg } from "@prisma/adapter-pg";
import { afterEach, describe, expect, it } from "vitest";
import { GET as ready } from "@/app/api/health/ready/route";
import { GET as health } from "@/app/api/health/route";
import { PrismaClient } from "@/lib/generated/prisma/client";

const g = globalThis as unknown as { __smPrisma?: PrismaClient };

describe("health endpoints", () => {
  const original = g.__smPrisma;
  afterEach(() => {
    g.__smPrisma = original;
  });

  it("GET /api/health answers ok", async () => {
    const res = health();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /api/health/ready answers 200 when the database answers", async () => {
    const res = await ready();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", database: "ok" });
  });

  it("GET /api/health/ready answers 503 when the database is down", async () => {
    // A real client pointed at a port where nothing listens.
    g.__smPrisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: "postgres://postgres:postgres@127.0.0.1:1/none" }),
    });
    const res = await ready();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", database: "unreachable" });
  });
});
