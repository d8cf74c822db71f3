import { Fragment, type ReactNode } from "react";

/** Paragraphs and `code` spans: all the markup the API descriptions use. */
export function InlineMarkdown({ text, className = "" }: { text: string; className?: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((para, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static text, never reordered
        <p key={i} className={className}>
          {codeSpans(para)}
        </p>
      ))}
    </>
  );
}

export function codeSpans(text: string): ReactNode {
  return text.split(/(`[^`]+`)/).map((part, i) =>
    part.startsWith("`") && part.endsWith("`") && part.length > 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: static text, never reordered
      <code key={i} className="rounded bg-zinc-100 px-1 py-0.5 font-mono text-[0.85em] dark:bg-zinc-800">
        {part.slice(1, -1)}
      </code>
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: static text, never reordered
      <Fragment key={i}>{part}</Fragment>
    ),
  );
}
