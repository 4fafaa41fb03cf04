// The names of the compute node's ship-all engines, apart from the engines themselves so that option parsing loads nothing heavy.

/** ComputeEngine names how the compute node answers a ship-all run. */
export type ComputeEngine = 'csv-parse' | 'program' | 'duckdb';

/** COMPUTE_ENGINES lists them, for option parsing. */
export const COMPUTE_ENGINES: readonly ComputeEngine[] = ['csv-parse', 'program', 'duckdb'];
