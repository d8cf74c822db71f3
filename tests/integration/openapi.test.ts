import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET as openapiRoute } from "@/app/api/openapi.json/route";
import type { JsonSchema, OpenApiDocument } from "@/lib/openapi/build-openapi-document";
import { callRoute } from "../helpers/route";
import { apiV1RouteFiles, ROOT } from "../helpers/route-files";

async function fetchDocument(): Promise<OpenApiDocument> {
  const res = await callRoute(async (req: Request) => openapiRoute(req), { path: "/api/openapi.json" });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("application/json");
  return res.body as OpenApiDocument;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const JSON_TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);

function* walk(node: unknown, at: string): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* walk(node[i], `${at}/${i}`);
  } else if (node && typeof node === "object") {
    yield [at, node as Record<string, unknown>];
    for (const [k, v] of Object.entries(node)) yield* walk(v, `${at}/${k}`);
  }
}

function resolve(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let cur: unknown = doc;
  for (const seg of ref.slice(2).split("/")) {
    cur = (cur as Record<string, unknown> | undefined)?.[seg.replaceAll("~1", "/").replaceAll("~0", "~")];
  }
  return cur;
}

describe("GET /api/openapi.json", () => {
  it("serves an OpenAPI 3.1 document for this server without authentication", async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toBe("StripeMeter API");
    expect(doc.servers).toEqual([{ url: "http://localhost" }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["apiKeyHeader", "bearerAuth"]);
  });

  it("describes every method of every /api/v1 route file, and nothing that does not exist", async () => {
    const doc = await fetchDocument();
    const onDisk = apiV1RouteFiles().flatMap((r) => r.methods.map((m) => `${m.toLowerCase()} ${r.template}`));
    const documented = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith("/api/v1/"))
      .flatMap(([p, item]) => Object.keys(item).map((m) => `${m} ${p}`));
    expect(onDisk.length).toBeGreaterThanOrEqual(15);
    expect([...documented].sort()).toEqual([...onDisk].sort());
  });

  it("documents the Idempotency-Key header, and Idempotent-Replayed on the 201, on exactly the routes that read it", async () => {
    const doc = await fetchDocument();
    // Every route reading the header does so in POST (the create endpoints).
    const reading = apiV1RouteFiles()
      .filter((r) => readFileSync(path.join(ROOT, r.file), "utf8").includes("idempotencyKeyOf(req)"))
      .map((r) => `post ${r.template}`);
    expect(reading.sort()).toEqual(["post /api/v1/adjustments", "post /api/v1/meters", "post /api/v1/prices"]);
    const documented: string[] = [];
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const o = op as {
          parameters: Array<{ name: string; in: string; required: boolean; schema: JsonSchema }>;
          responses: Record<string, { headers?: Record<string, unknown> }>;
        };
        const header = o.parameters.find((x) => x.in === "header" && x.name === "Idempotency-Key");
        if (!header) continue;
        documented.push(`${method} ${p}`);
        expect(header.required).toBe(false);
        expect(header.schema).toMatchObject({ type: "string", pattern: "^[\\x21-\\x7e]{1,255}$" });
        expect(o.responses["201"].headers?.["Idempotent-Replayed"], `${method} ${p}`).toBeDefined();
        expect(o.responses["409"], `${method} ${p}`).toBeDefined();
      }
    }
    expect(documented.sort()).toEqual(reading.sort());
  });

  it("is structurally valid: unique operationIds, declared tags, matching path parameters, resolvable $refs", async () => {
    const doc = await fetchDocument();
    const tags = new Set(doc.tags.map((t) => t.name));
    const ids = new Set<string>();
    for (const [p, item] of Object.entries(doc.paths)) {
      expect(p.startsWith("/")).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(HTTP_METHODS).toContain(method);
        const o = op as {
          operationId: string;
          tags: string[];
          parameters: Array<{ name: string; in: string; required: boolean; schema: JsonSchema }>;
          responses: Record<string, unknown>;
          security?: unknown[];
        };
        expect(ids.has(o.operationId), o.operationId).toBe(false);
        ids.add(o.operationId);
        for (const t of o.tags) expect(tags.has(t), t).toBe(true);
        const templateParams = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        const pathParams = o.parameters.filter((x) => x.in === "path");
        expect(pathParams.map((x) => x.name).sort(), `${method} ${p}`).toEqual(templateParams);
        for (const x of pathParams) expect(x.required).toBe(true);
        for (const x of o.parameters) expect(["path", "query", "header", "cookie"]).toContain(x.in);
        expect(Object.keys(o.responses).length).toBeGreaterThan(0);
        for (const status of Object.keys(o.responses)) expect(status).toMatch(/^[1-5]\d\d$/);
        if (p.startsWith("/api/v1/")) {
          // API-key routes document the shared failures
          for (const s of ["401", "403", "422", "429", "500"])
            expect(o.responses[s], `${method} ${p} ${s}`).toBeDefined();
          expect(o.security?.length).toBe(2);
        }
      }
    }
    for (const [at, node] of walk(doc, "#")) {
      if (typeof node.$ref === "string") expect(resolve(doc, node.$ref), `${at} -> ${node.$ref}`).toBeDefined();
    }
  });

  it("holds well-formed JSON Schema 2020-12 in every schema", async () => {
    const doc = await fetchDocument();
    const roots: Array<[string, unknown]> = Object.entries(doc.components.schemas).map(([k, v]) => [`schemas/${k}`, v]);
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [m, op] of Object.entries(item)) {
        for (const param of (op as { parameters: Array<{ name: string; schema: unknown }> }).parameters) {
          roots.push([`${m} ${p} ${param.name}`, param.schema]);
        }
      }
    }
    for (const [name, root] of roots) {
      for (const [at, node] of walk(root, name)) {
        if (typeof node.type === "string") expect(JSON_TYPES.has(node.type), `${at}: ${node.type}`).toBe(true);
        if (Array.isArray(node.type)) for (const t of node.type) expect(JSON_TYPES.has(t), at).toBe(true);
        if (Array.isArray(node.required) && node.properties && typeof node.properties === "object") {
          for (const r of node.required) expect(Object.keys(node.properties), `${at} requires ${r}`).toContain(r);
        }
        if (typeof node.pattern === "string") expect(() => new RegExp(node.pattern as string, "u")).not.toThrow();
        expect(node.$schema, at).toBeUndefined();
      }
    }
  });

  it("documents the 400 and 413 every JSON body can get, and no status an operation cannot answer", async () => {
    const doc = await fetchDocument();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, JsonSchema>)) {
        if (!op.requestBody) continue;
        const statuses = Object.keys(op.responses as Record<string, unknown>);
        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["400", "413"]));
      }
    }
    const prices = doc.paths["/api/v1/prices"] as Record<string, JsonSchema>;
    expect(Object.keys(prices.post.responses as object)).not.toContain("404");
    const price = doc.paths["/api/v1/prices/{id}"] as Record<string, JsonSchema>;
    expect(Object.keys(price.patch.responses as object)).not.toContain("409");
  });

  it("documents request schemas exactly as the routes validate them", async () => {
    const doc = await fetchDocument();
    const s = doc.components.schemas;
    expect(s.CreateMeterRequest).toMatchObject({ required: ["metric"], additionalProperties: false });
    expect((s.CreateMeterRequest.properties as Record<string, JsonSchema>).aggregation).toMatchObject({
      enum: ["sum", "count", "max", "last", "unique_count"],
      default: "sum",
    });
    expect(s.IngestEventsRequest).toMatchObject({ required: ["events"], additionalProperties: false });
    const events = (s.IngestEventsRequest.properties as Record<string, JsonSchema>).events;
    expect(events).toMatchObject({ minItems: 1, maxItems: 1000 });
    const list = doc.paths["/api/v1/events"].get as {
      parameters: Array<{ name: string; required: boolean; schema: JsonSchema }>;
    };
    expect(list.parameters.map((p) => p.name)).toEqual([
      "customerRef",
      "metric",
      "from",
      "to",
      "limit",
      "cursor",
      "tenantId",
    ]);
    expect(list.parameters.find((p) => p.name === "limit")?.schema).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 1000,
      default: 100,
    });
    const history = doc.paths["/api/v1/usage/history"].get as {
      parameters: Array<{ name: string; required: boolean }>;
    };
    expect(history.parameters.filter((p) => p.required).map((p) => p.name)).toEqual([
      "customerRef",
      "metric",
      "from",
      "to",
    ]);
    // answers may gain fields (API.md), so response models are open
    expect(s.Meter.additionalProperties).toBeUndefined();
    const exportOp = doc.paths["/api/v1/events/export"].get as { responses: Record<string, { content?: object }> };
    expect(Object.keys(exportOp.responses["200"].content ?? {})).toEqual(["text/csv"]);
    expect(doc.components.responses.RateLimited).toMatchObject({
      headers: { "Retry-After": { schema: { type: "integer" } } },
    });
  });
});

describe("GET /api/openapi.json — customerRef", () => {
  it("declares 1–255 characters wherever a request takes a customerRef, as the routes count them (code points)", async () => {
    const doc = await fetchDocument();
    const found: Array<[string, unknown]> = [];
    // Parameters and request bodies only, following $refs (answers may echo longer stored refs).
    const visit = (node: unknown, at: string, seen: Set<string>) => {
      for (const [where, n] of walk(node, at)) {
        if (n.name === "customerRef" && n.in) found.push([where, n.schema]);
        const props = n.properties as Record<string, unknown> | undefined;
        if (props?.customerRef) found.push([`${where}/properties/customerRef`, props.customerRef]);
        if (typeof n.$ref === "string" && !seen.has(n.$ref))
          visit(resolve(doc, n.$ref), `${where} → ${n.$ref}`, new Set([...seen, n.$ref]));
      }
    };
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item as Record<string, Record<string, unknown>>)) {
        visit(op.parameters, `${path} ${method} parameters`, new Set());
        visit(op.requestBody, `${path} ${method} requestBody`, new Set());
      }
    const where = found.map(([at]) => at.split(" ").slice(0, 2).join(" "));
    for (const route of [
      "/api/v1/events/ingest post",
      "/api/v1/usage/current get",
      "/api/v1/usage/projection post",
      "/api/v1/usage/history get",
      "/api/v1/events get",
      "/api/v1/adjustments post",
      "/api/v1/adjustments get",
    ])
      expect(where).toContain(route);
    for (const [at, schema] of found) {
      const s = (schema as { $ref?: string }).$ref ? resolve(doc, (schema as { $ref: string }).$ref) : schema;
      expect({ at, minLength: (s as JsonSchema).minLength, maxLength: (s as JsonSchema).maxLength }).toEqual({
        at,
        minLength: 1,
        maxLength: 255,
      });
    }
  });
});
