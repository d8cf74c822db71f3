// The floor runs no product code: this file keeps Next.js from using the app's
// instrumentation.ts (found at the workspace root).
export function register() {}
