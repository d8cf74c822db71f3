import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import ApiReferencePage from "@/app/docs/page";
import { buildOpenApiDocument } from "@/lib/openapi/build-openapi-document";

describe("/docs API reference", () => {
  const html = renderToStaticMarkup(ApiReferencePage());
  const doc = buildOpenApiDocument();

  it("renders every operation of the OpenAPI document with its path, summary and anchor", () => {
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item) as Array<{ operationId: string; summary: string }>) {
        expect(html).toContain(`id="${op.operationId}"`);
        expect(html).toContain(`href="#${op.operationId}"`);
        expect(html).toContain(`>${path}</code>`);
        expect(html).toContain(op.summary);
      }
    }
  });

  it("shows request fields, scopes and error statuses, and links every referenced model to its section", () => {
    expect(html).toContain("scope <code");
    expect(html).toContain(">aggregation</code>");
    expect(html).toContain(">billingAnchor</code>");
    expect(html).toContain("Retry-After");
    const links = [...html.matchAll(/href="#(model-[\w]+)"/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(10);
    for (const anchor of new Set(links)) expect(html, anchor).toContain(`id="${anchor}"`);
  });

  it("loads no script at all (server-rendered, no external CDN)", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\/(?!localhost)[^"\s]*\.(js|css)/i);
  });
});
