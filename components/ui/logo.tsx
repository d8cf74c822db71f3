export function Logo({ className = "" }: { className?: string }) {
  return (
    <span className={`inline-flex items-center gap-2 font-semibold tracking-tight ${className}`}>
      <span className="inline-flex h-7 w-7 items-center justify-center rounded-md bg-indigo-600 text-white">
        <svg viewBox="0 0 20 20" fill="currentColor" className="h-4 w-4" aria-hidden="true">
          <path d="M3 14h2V9H3v5Zm4 0h2V5H7v9Zm4 0h2V7h-2v7Zm4 0h2V3h-2v11ZM2 16h16v1.5H2V16Z" />
        </svg>
      </span>
      StripeMeter
    </span>
  );
}
