import type { JsonSchema } from "@/lib/openapi/build-openapi-document";
import { codeSpans } from "./inline-markdown";

const REF = "#/components/schemas/";
const MAX_DEPTH = 4;

export function modelAnchor(name: string): string {
  return `model-${name}`;
}

function refName(schema: JsonSchema): string | null {
  return typeof schema.$ref === "string" && schema.$ref.startsWith(REF) ? schema.$ref.slice(REF.length) : null;
}

function variants(schema: JsonSchema): JsonSchema[] | null {
  const v = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  return Array.isArray(v) ? v : null;
}

/** A one-line type: `string (date-time)`, `integer, 1–1000, default 100`, `Meter[]`, `"a" | "b"`. */
export function TypeLabel({ schema }: { schema: JsonSchema }) {
  const ref = refName(schema);
  if (ref) {
    return (
      <a href={`#${modelAnchor(ref)}`} className="font-mono text-indigo-600 hover:underline dark:text-indigo-400">
        {ref}
      </a>
    );
  }
  const alts = variants(schema);
  if (alts) {
    return (
      <span>
        {alts.map((a, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: schema order is fixed
          <span key={i}>
            {i > 0 && <span className="text-zinc-400"> | </span>}
            <TypeLabel schema={a} />
          </span>
        ))}
      </span>
    );
  }
  if (schema.type === "array" && schema.items && typeof schema.items === "object") {
    return (
      <span>
        <TypeLabel schema={schema.items as JsonSchema} />
        <span className="font-mono">[]</span>
        {constraintText(schema)}
      </span>
    );
  }
  if (Array.isArray(schema.enum)) {
    return <span className="font-mono">{schema.enum.map((e) => JSON.stringify(e)).join(" | ")}</span>;
  }
  if (schema.const !== undefined) return <span className="font-mono">{JSON.stringify(schema.const)}</span>;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : ((schema.type as string | undefined) ?? "any");
  return (
    <span>
      <span className="font-mono">{type}</span>
      {constraintText(schema)}
    </span>
  );
}

function constraintText(s: JsonSchema): string {
  const parts: string[] = [];
  if (typeof s.format === "string") parts.push(s.format);
  const range = (lo: unknown, hi: unknown, unit: string) => {
    if (lo !== undefined && hi !== undefined) parts.push(`${lo}–${hi}${unit}`);
    else if (lo !== undefined) parts.push(`≥ ${lo}${unit}`);
    else if (hi !== undefined) parts.push(`≤ ${hi}${unit}`);
  };
  range(s.minimum ?? s.exclusiveMinimum, s.maximum === Number.MAX_SAFE_INTEGER ? undefined : s.maximum, "");
  range(s.minLength, s.maxLength, " chars");
  range(s.minItems, s.maxItems, " items");
  // date-time patterns restate the format; show only the informative ones
  if (typeof s.pattern === "string" && s.format === undefined) parts.push(`pattern ${s.pattern}`);
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`);
  return parts.length ? `, ${parts.join(", ")}` : "";
}

function nestedObject(schema: JsonSchema): JsonSchema | null {
  if (schema.type === "object" && schema.properties) return schema;
  if (schema.type === "array" && schema.items && typeof schema.items === "object") {
    return nestedObject(schema.items as JsonSchema);
  }
  const alts = variants(schema);
  if (alts) for (const a of alts) if (nestedObject(a)) return nestedObject(a);
  return null;
}

/** An object's properties as a nested list; references link to their model. */
export function SchemaView({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }) {
  const obj = nestedObject(schema);
  if (!obj || depth > MAX_DEPTH) {
    return (
      <div className="text-sm">
        <TypeLabel schema={schema} />
      </div>
    );
  }
  const props = obj.properties as Record<string, JsonSchema>;
  const required = new Set((obj.required as string[] | undefined) ?? []);
  return (
    <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
      {Object.entries(props).map(([name, prop]) => {
        const inner = refName(prop) ? null : nestedObject(prop);
        return (
          <li key={name} className="py-2">
            <div className="flex flex-wrap items-baseline gap-x-2">
              <code className="font-mono font-semibold">{name}</code>
              <span className="text-zinc-600 dark:text-zinc-400">
                <TypeLabel schema={prop} />
              </span>
              {required.has(name) ? (
                <span className="text-xs font-medium text-red-600 dark:text-red-400">required</span>
              ) : null}
            </div>
            {typeof prop.description === "string" ? (
              <p className="mt-0.5 text-zinc-600 dark:text-zinc-400">{codeSpans(prop.description)}</p>
            ) : null}
            {inner ? (
              <div className="mt-2 border-l-2 border-zinc-200 pl-4 dark:border-zinc-800">
                <SchemaView schema={inner} depth={depth + 1} />
              </div>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
