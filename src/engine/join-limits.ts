// The limit on a join's build side, apart from the join machinery so that option parsing loads nothing heavy.

/** DEFAULT_MAX_BUILD_ROWS is how many rows (after its filter) a build side may have by default (`--max-build-rows`). */
export const DEFAULT_MAX_BUILD_ROWS = 2_000_000;
/**
 * MAX_BUILD_ROWS_LIMIT bounds `--max-build-rows`: the build side's storage node groups its rows by key in a
 * hash map one entry larger, allocated whole (about 40 bytes an entry for a key and two values).
 */
export const MAX_BUILD_ROWS_LIMIT = 1 << 22;
