/**
 * How a client should start the server process: the environment it adds to its own. Shared by the
 * VS Code client and the benchmark (which measures the server as the editor runs it).
 */

/**
 * glibc gives each thread that allocates its own malloc arena (up to 8 per core) and rarely hands
 * their pages back: the ingest workers of every rebuild leave arenas behind, which kept about 150 MB
 * more resident after the rebuild experiments at 10,000 articles (924 MB against 770 MB with two
 * arenas; `npm run bench`, docs/benchmarks.md). Two arenas cost no measurable time here: the
 * workers allocate mostly inside V8's heap.
 *
 * A fixed mmap threshold (glibc's default 128 KB, which it otherwise raises to the size of each
 * large block freed, up to 32 MB): a full rebuild frees many buffers of megabytes (index lists
 * grown in steps, snapshot chunks), after which glibc served blocks that size from the main heap,
 * where freed ones are seldom returned — the main heap grew from 85 MB to 220 MB over the rebuild
 * experiments at 10,000 articles; with the fixed threshold it stays near 30 MB. A value the user
 * set is kept.
 */
export const SERVER_ENV_DEFAULTS: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" };

/** `base` (a client's environment) with the defaults the server should run under, where unset. */
export function serverEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const [k, v] of Object.entries(SERVER_ENV_DEFAULTS)) if (env[k] === undefined) env[k] = v;
  return env;
}
