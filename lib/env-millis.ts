type Env = Record<string, string | undefined>;

/** A whole number of milliseconds from `env[name]` (`fallback` when unset or blank); anything else throws, naming it. */
export function millisFromEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number of milliseconds (got "${raw}")`);
  return Number(raw);
}
