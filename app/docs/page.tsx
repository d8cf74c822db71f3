import type { Metadata } from "next";
import { InlineMarkdown } from "@/components/docs/inline-markdown";
import { type DocOperation, MethodBadge, OperationView } from "@/components/docs/operation-view";
import { modelAnchor, SchemaView } from "@/components/docs/schema-view";
import { Logo } from "@/components/ui/logo";
import { buildOpenApiDocument, type JsonSchema } from "@/lib/openapi/build-openapi-document";

export const metadata: Metadata = { title: "API reference · StripeMeter" };

// Rendered on the server from the same document as /api/openapi.json; no client script.
export default function ApiReferencePage() {
  const doc = buildOpenApiDocument();
  const schemas = doc.components.schemas;
  // Request bodies are shown inline with their operation, not as separate models.
  const inlineBody = (op: DocOperation): DocOperation => {
    const ref = op.requestBody?.content["application/json"]?.schema.$ref;
    const name = typeof ref === "string" ? ref.replace("#/components/schemas/", "") : null;
    return name && schemas[name]
      ? { ...op, requestBody: { content: { "application/json": { schema: schemas[name] } } } }
      : op;
  };
  const operations: DocOperation[] = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => inlineBody({ ...(op as unknown as DocOperation), method, path })),
  );
  const errorDescriptions = Object.fromEntries(
    Object.entries(doc.components.responses).map(([name, r]) => [
      `#/components/responses/${name}`,
      String((r as { description: string }).description),
    ]),
  );
  const byTag = doc.tags.map((tag) => ({
    ...tag,
    ops: operations.filter((op) => (op as unknown as { tags: string[] }).tags.includes(tag.name)),
  }));
  const models = Object.entries(schemas).filter(([name]) => !name.endsWith("Request"));

  return (
    <div className="mx-auto flex max-w-7xl gap-10 px-6 py-8">
      <nav
        aria-label="API reference"
        className="sticky top-8 hidden h-[calc(100vh-4rem)] w-64 shrink-0 overflow-y-auto lg:block"
      >
        <a href="#top">
          <Logo />
        </a>
        {byTag.map((tag) => (
          <div key={tag.name} className="mt-5">
            <a href={`#tag-${tag.name}`} className="text-xs font-semibold uppercase tracking-wide text-zinc-500">
              {tag.name}
            </a>
            <ul className="mt-1 space-y-1">
              {tag.ops.map((op) => (
                <li key={op.operationId}>
                  <a
                    href={`#${op.operationId}`}
                    className="flex items-center gap-2 text-sm text-zinc-700 hover:text-indigo-600 dark:text-zinc-300"
                  >
                    <MethodBadge method={op.method} />
                    <span className="truncate">{op.summary}</span>
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
        <a href="#models" className="mt-5 block text-xs font-semibold uppercase tracking-wide text-zinc-500">
          Models
        </a>
      </nav>

      <main id="top" className="min-w-0 flex-1">
        <header className="border-b border-zinc-200 pb-6 dark:border-zinc-800">
          <p className="text-sm text-zinc-500">
            v{doc.info.version} · OpenAPI {doc.openapi}
          </p>
          <h1 className="mt-1 text-3xl font-bold tracking-tight">{doc.info.title} reference</h1>
          <div className="mt-3 max-w-3xl space-y-2 text-zinc-700 dark:text-zinc-300">
            <InlineMarkdown text={doc.info.description} />
          </div>
          <p className="mt-3 text-sm">
            Machine-readable:{" "}
            <a href="/api/openapi.json" className="font-mono text-indigo-600 hover:underline dark:text-indigo-400">
              /api/openapi.json
            </a>
          </p>
          <pre className="mt-4 overflow-x-auto rounded-lg bg-zinc-900 p-4 text-sm text-zinc-100">
            {`curl -X POST http://localhost:3000/api/v1/events/ingest \\
  -H "Authorization: Bearer $STRIPEMETER_KEY" -H "content-type: application/json" \\
  -d '{"events":[{"metric":"api_calls","customerRef":"cus_ABC123","quantity":1,"ts":"2026-11-27T14:30:00Z"}]}'`}
          </pre>
        </header>

        {byTag.map((tag) => (
          <section key={tag.name} id={`tag-${tag.name}`} className="mt-10 scroll-mt-6">
            <h2 className="text-2xl font-semibold">{tag.name}</h2>
            <p className="mt-1 text-zinc-600 dark:text-zinc-400">{tag.description}</p>
            <div className="mt-4 space-y-6">
              {tag.ops.map((op) => (
                <OperationView key={op.operationId} op={op} errorDescriptions={errorDescriptions} />
              ))}
            </div>
          </section>
        ))}

        <section id="models" className="mt-12 scroll-mt-6">
          <h2 className="text-2xl font-semibold">Models</h2>
          <div className="mt-4 space-y-6">
            {models.map(([name, schema]) => (
              <div
                key={name}
                id={modelAnchor(name)}
                className="scroll-mt-6 rounded-xl border border-zinc-200 p-5 dark:border-zinc-800"
              >
                <h3 className="font-mono text-lg font-semibold">{name}</h3>
                {typeof schema.description === "string" ? (
                  <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{schema.description}</p>
                ) : null}
                <div className="mt-2">
                  <SchemaView schema={schema as JsonSchema} />
                </div>
              </div>
            ))}
          </div>
        </section>
      </main>
    </div>
  );
}
