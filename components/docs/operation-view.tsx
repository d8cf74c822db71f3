import type { JsonSchema } from "@/lib/openapi/build-openapi-document";
import { codeSpans, InlineMarkdown } from "./inline-markdown";
import { SchemaView, TypeLabel } from "./schema-view";

export interface DocOperation {
  method: string;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  "x-scope"?: string;
  parameters: Array<{ name: string; in: string; required: boolean; description?: string; schema: JsonSchema }>;
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema: JsonSchema }> }>;
}

const METHOD_TONE: Record<string, string> = {
  get: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
  post: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
  patch: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  put: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
  delete: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
};

export function MethodBadge({ method }: { method: string }) {
  return (
    <span
      className={`inline-block w-14 rounded px-1.5 py-0.5 text-center font-mono text-xs font-bold uppercase ${METHOD_TONE[method] ?? ""}`}
    >
      {method}
    </span>
  );
}

export function OperationView({
  op,
  errorDescriptions,
}: {
  op: DocOperation;
  errorDescriptions: Record<string, string>;
}) {
  const body = op.requestBody?.content["application/json"]?.schema;
  return (
    <section
      id={op.operationId}
      className="scroll-mt-6 rounded-xl border border-zinc-200 p-5 dark:border-zinc-800"
      aria-labelledby={`${op.operationId}-title`}
    >
      <div className="flex flex-wrap items-center gap-3">
        <MethodBadge method={op.method} />
        <code className="font-mono text-sm font-semibold">{op.path}</code>
        {op["x-scope"] ? (
          <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
            scope <code className="font-mono">{op["x-scope"]}</code>
          </span>
        ) : (
          <span className="rounded-full bg-zinc-100 px-2 py-0.5 text-xs text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
            public
          </span>
        )}
      </div>
      <h3 id={`${op.operationId}-title`} className="mt-3 text-lg font-semibold">
        {op.summary}
      </h3>
      {op.description ? (
        <div className="mt-1 space-y-2 text-sm text-zinc-700 dark:text-zinc-300">
          <InlineMarkdown text={op.description} />
        </div>
      ) : null}

      {op.parameters.length > 0 ? (
        <div className="mt-4">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Parameters</h4>
          <table className="mt-1 w-full text-left text-sm">
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {op.parameters.map((p) => (
                <tr key={`${p.in}-${p.name}`} className="align-top">
                  <td className="py-1.5 pr-3">
                    <code className="font-mono font-semibold">{p.name}</code>
                    <div className="text-xs text-zinc-500">
                      {p.in}
                      {p.required ? <span className="ml-1 text-red-600 dark:text-red-400">required</span> : null}
                    </div>
                  </td>
                  <td className="py-1.5 text-zinc-600 dark:text-zinc-400">
                    <TypeLabel schema={p.schema} />
                    {p.description ? <div className="mt-0.5">{p.description}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}

      {body ? (
        <div className="mt-4">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">JSON body</h4>
          <div className="mt-1">
            <SchemaView schema={body} />
          </div>
        </div>
      ) : null}

      <div className="mt-4">
        <h4 className="text-xs font-semibold uppercase tracking-wide text-zinc-500">Responses</h4>
        <ul className="mt-1 space-y-1 text-sm">
          {Object.entries(op.responses).map(([status, r]) => {
            const content = r.content ? Object.entries(r.content)[0] : undefined;
            const description = r.$ref ? errorDescriptions[r.$ref] : r.description;
            return (
              <li key={status} className="flex flex-wrap items-baseline gap-x-2">
                <code
                  className={`font-mono font-semibold ${status.startsWith("2") ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-500"}`}
                >
                  {status}
                </code>
                <span className="text-zinc-700 dark:text-zinc-300">{description ? codeSpans(description) : null}</span>
                {content ? (
                  <span className="text-zinc-500">
                    {content[0] === "application/json" ? <TypeLabel schema={content[1].schema} /> : content[0]}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
