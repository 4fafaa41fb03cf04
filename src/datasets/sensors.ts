// Generates the `sensors` table: the simplest case of in-storage reduction ("average some numbers").
import { writeFileSync } from 'node:fs';
import { Random } from './tpch/random.js';
import { formatDateDays } from '../values/calendar.js';
import { formatCents } from './tpch/generate.js';

/** SENSORS_SCHEMA is the sibling .schema file written beside sensors.csv. */
export const SENSORS_SCHEMA = `# sensors: one reading per line
sensor_id integer
site varchar(24)
reading_date date
temperature decimal(5,2)
humidity decimal(5,2)
`;

const SITES = ['Oslo, dock 3', 'Lagos', 'Lima', 'Osaka', 'Perth', 'Quito', 'Reno', 'Turku'];
const SITE_MEAN_CENTS = [450, 2700, 1900, 1600, 2100, 1400, 1200, 300];
const FIRST_DAY = 20454; // 2026-01-01

/** sensorsCsv returns `rows` deterministic readings as CSV text with a header (sites with commas are quoted). */
export function sensorsCsv(rows: number, seed = 2026): string {
  const rng = new Random(seed, 'sensors');
  const lines = ['sensor_id,site,reading_date,temperature,humidity'];
  for (let i = 0; i < rows; i++) {
    const sensor = rng.int(1, 200);
    const site = sensor % SITES.length;
    const name = SITES[site]!;
    const temperature = SITE_MEAN_CENTS[site]! + rng.int(-1200, 1200);
    const humidity = rng.int(500, 9500);
    const quoted = name.includes(',') ? `"${name}"` : name;
    lines.push(`${sensor},${quoted},${formatDateDays(FIRST_DAY + rng.int(0, 180))},${formatCents(temperature)},${formatCents(humidity)}`);
  }
  return lines.join('\n') + '\n';
}

/** writeSensors writes sensors.csv and sensors.schema into `dir`'s given paths. */
export function writeSensors(csvPath: string, schemaPath: string, rows: number, seed?: number): void {
  writeFileSync(csvPath, sensorsCsv(rows, seed), 'latin1');
  writeFileSync(schemaPath, SENSORS_SCHEMA);
}
