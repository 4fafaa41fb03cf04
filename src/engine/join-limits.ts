// The limit on a join's build side, apart from the join machinery so that option parsing loads nothing heavy.

/** DEFAULT_MAX_BUILD_ROWS is how many rows (after its filter) a build side may have by default (`--max-build-rows`). */
export const DEFAULT_MAX_BUILD_ROWS = 2_000_000;
/**
 * MAX_BUILD_ROWS_LIMIT bounds `--max-build-rows`: a build side whose keys do not fit an array map fills a
 * hash map one entry larger on its storage node, allocated whole (8 bytes of key and its value rounded up to 8).
 */
export const MAX_BUILD_ROWS_LIMIT = 1 << 22;
