// Acceptance tests of the `sluice` command as a new user meets it: help, exit codes, one-line errors, --json, and answers.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, examplesIn, PROJECT_ROOT, sluice, type CliRun } from './run-cli.js';
import { conformanceDir } from '../../src/util/paths.js';

const TINY = 'test/cli/fixtures/tiny';
const MALFORMED = 'test/cli/fixtures/malformed';
const PEOPLE = 'test/fixtures/storage/people.csv';
const CONFORMANCE = conformanceDir();

let scratch = '';
beforeAll(() => {
  ensureBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** expectCleanError checks an error run: the exit code, one `error:` sentence first, and no stack trace. */
function expectCleanError(run: CliRun, code: number): string {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^error: /);
  expect(run.stderr).not.toMatch(/^\s+at /m);
  return run.stderr.split('\n')[0]!;
}

describe.concurrent('--help', () => {
  const commands = [
    ['query'],
    ['explain'],
    ['compile'],
    ['gen'],
    ['gen', 'tpch'],
    ['gen', 'sensors'],
    ['asm'],
    ['disasm'],
    ['verify'],
    ['run'],
    ['plugin'],
    ['bench'],
  ];
  it.each(commands)('sluice %s --help exits 0 and shows examples of that command', async (...words) => {
    const run = await sluice([...words, '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Usage: sluice ${words.join(' ')}`);
    const examples = examplesIn(run.stdout);
    expect(examples.length).toBeGreaterThan(0);
    if (words[0] !== 'plugin') for (const example of examples) expect(example.startsWith(`sluice ${words[0]}`), example).toBe(true);
  });

  it('--version prints the version in package.json', async () => {
    const run = await sluice(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe((JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('the top-level help lists every command', async () => {
    const run = await sluice(['--help']);
    expect(run.code).toBe(0);
    for (const name of ['query', 'explain', 'compile', 'gen', 'asm', 'disasm', 'verify', 'run', 'plugin', 'bench']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
  });
});

describe.concurrent('usage errors exit 2 with one line', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown option', ['query', 'select count(*) from sensors', '--bogus'], /unknown option '--bogus'/],
    ['bad --engine', ['query', 'select count(*) from sensors', '--engine', 'fast'], /--engine.*'fast'.*jit, interpreter/],
    ['bad --chunk', ['query', 'select count(*) from sensors', '--chunk', 'lots'], /--chunk.*'lots'/],
    ['zero --chunk', ['run', 'examples/filter-sum.s', '--file', PEOPLE, '--chunk', '0'], /--chunk.*greater than zero/],
    ['bad --link', ['query', 'select count(*) from sensors', '--link', '10 parsecs'], /--link.*'10 parsecs'/],
    ['missing --file', ['run', 'examples/filter-sum.s'], /required option '--file <data>'/],
    ['missing --sf', ['gen', 'tpch'], /required option '--sf <scale>'/],
    ['unknown command', ['frobnicate'], /unknown command 'frobnicate'/],
    ['bad --context', ['verify', 'examples/filter-sum.s', '--context', 'mem:lots'], /--context must be hook or mem:N/],
    ['--section on assembly', ['disasm', 'examples/filter-sum.s', '--section', 'xdp'], /--section applies to ELF objects/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const run = await sluice(args);
    expect(expectCleanError(run, 2)).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it.each([
    ['query file', ['query', 'no/such/query.sql'], 'query file no/such/query.sql does not exist'],
    ['program file', ['disasm', 'no-such-program.o'], 'program file no-such-program.o does not exist'],
    ['data file', ['run', 'examples/filter-sum.s', '--file', 'no-such-data.csv'], 'data file no-such-data.csv does not exist'],
    ['data directory', ['query', 'select count(*) from t', '--data', 'no/such/dir'], '--data no/such/dir is not a directory'],
  ])('a missing %s is one clear sentence', async (_what, args, sentence) => {
    const run = await sluice(args);
    expect(expectCleanError(run, 2)).toBe(`error: ${sentence}`);
  });
});

describe.concurrent('query and program errors exit 1 with a location', () => {
  it('an unknown column names the file, line and column', async () => {
    const run = await sluice(['query', 'select foo from lineitem', '--data', TINY]);
    expect(expectCleanError(run, 1)).toBe("error: query.sql:1:8: unknown column 'foo'");
  });

  it('SELECT * beside an aggregate is refused at the star', async () => {
    const run = await sluice(['query', 'select *, count(*)\nfrom lineitem', '--data', TINY]);
    expect(expectCleanError(run, 1)).toMatch(/^error: query\.sql:1:8: SELECT \* cannot be mixed with aggregates/);
  });

  it('a query file is named in its errors, with the line in the file', async () => {
    const file = join(scratch, 'bad.sql');
    writeFileSync(file, 'select count(*)\nfrom lineitem\nwhere l_nosuch > 1\n');
    const run = await sluice(['query', file, '--data', TINY]);
    expect(expectCleanError(run, 1)).toMatch(new RegExp(`^error: ${file}:3:7: unknown column 'l_nosuch'`));
  });

  it('a malformed value stops the query at its file:line:col', async () => {
    const run = await sluice(['query', 'select sum(l_quantity) from lineitem', '--data', MALFORMED]);
    expect(expectCleanError(run, 1)).toMatch(/malformed\/lineitem\.csv:3:3: column 'l_quantity'/);
  });

  it('a refused program names insn #N, for verify and for run', async () => {
    for (const command of [['verify'], ['run', '--file', PEOPLE]]) {
      const run = await sluice([...command, 'test/fixtures/storage/oob.s']);
      expect(expectCleanError(run, 1)).toMatch(/^error: insn #0: .*invalid bpf_context access off=4096/);
    }
  });

  it('verify and run refuse, naming it, a map over the per-tenant memory limit', async () => {
    for (const command of [['verify'], ['run', '--file', PEOPLE]]) {
      const run = await sluice([...command, 'test/fixtures/storage/huge-map.s']);
      expect(expectCleanError(run, 1)).toMatch(/^error: map "huge" needs 4096000000 bytes for 1000000 entries, over the limit of 536870912 bytes of maps per tenant$/);
    }
  });

  it('verify --json reports a refusal on stdout, and still exits 1', async () => {
    const run = await sluice(['verify', 'test/fixtures/storage/oob.s', '--json']);
    expect(run.code).toBe(1);
    const refusal = JSON.parse(run.stdout) as { accepted: boolean; insn: number; reason: string };
    expect(refusal).toMatchObject({ accepted: false, insn: 0 });
    expect(refusal.reason).toMatch(/invalid bpf_context access/);
    expect(run.stderr).toMatch(/^error: insn #0: /);
  });

  it('an assembly error names file:line:col', async () => {
    const file = join(scratch, 'typo.s');
    writeFileSync(file, 'r0 = 1\nr0 += r11\nexit\n');
    const run = await sluice(['asm', file]);
    expect(expectCleanError(run, 1)).toMatch(new RegExp(`^error: ${file}:2:\\d+: `));
  });

  it('--debug adds the stack trace', async () => {
    const run = await sluice(['--debug', 'verify', 'test/fixtures/storage/oob.s']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^\s+at /m);
  });
});

describe.concurrent('--json', () => {
  const json = async (args: string[]): Promise<Record<string, unknown>> => {
    const run = await sluice([...args, '--json']);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as Record<string, unknown>;
  };

  it('query: the grouped answer and the pushdown report', async () => {
    const out = await json(['query', 'select l_returnflag, count(*), sum(l_quantity) from lineitem group by l_returnflag', '--data', TINY]);
    const result = out.result as { rows: unknown[][] };
    // By hand from tiny/lineitem.csv: A 45; N 17 + 36; R 38 + 49. Every value is an exact string.
    expect(result.rows).toEqual([
      ['A', '1', '45.00'],
      ['N', '2', '53.00'],
      ['R', '2', '87.00'],
    ]);
    const pushdown = (out.report as { pushdown: { fileBytes: number; rows: number } }).pushdown;
    expect(pushdown.fileBytes).toBe(readFileSync(join(PROJECT_ROOT, TINY, 'lineitem.csv')).length);
    expect(pushdown.rows).toBe(5);
  });

  it('compile and explain: bytecode a whole number of slots, and the maps', async () => {
    const [compiled, explained] = await Promise.all([
      json(['compile', 'select count(*) from lineitem', '--data', TINY]),
      json(['explain', 'select count(*) from lineitem', '--data', TINY]),
    ]);
    expect(compiled.bytecode).toMatch(/^([0-9a-f]{16})+$/);
    expect(Array.isArray(compiled.maps)).toBe(true);
    const withoutTime = (artifact: unknown) => ({ ...(artifact as object), verifier: { ...(artifact as { verifier: object }).verifier, timeMs: 0 } });
    expect(withoutTime(explained.artifact)).toEqual(withoutTime(compiled));
    expect(explained.plan).toMatch(/^scan lineitem/);
  });

  it('verify, run and gen', async () => {
    const [verified, ran, sensors] = await Promise.all([
      json(['verify', 'examples/filter-sum.s']),
      json(['run', 'examples/filter-sum.s', '--file', PEOPLE]),
      json(['gen', 'sensors', '--rows', '50', '--out', join(scratch, 'sensors')]),
    ]);
    expect(verified.accepted).toBe(true);
    expect((verified.stats as { processedInsns: number }).processedInsns).toBeGreaterThan(0);
    expect(ran.fileBytes).toBe(readFileSync(join(PROJECT_ROOT, PEOPLE)).length);
    expect(sensors.rows).toBe(50);
    const lines = readFileSync(sensors.csv as string, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(51);
  });

  it('gen tpch at SF 0.001 lists what it wrote', async () => {
    const out = join(scratch, 'tpch');
    const run = await sluice(['gen', 'tpch', '--sf', '0.001', '--tables', 'region,nation', '--out', out, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(''); // no progress bar when not on a terminal
    const written = JSON.parse(run.stdout) as Record<string, unknown>;
    const tables = written.tables as { table: string; path: string; rows: number }[];
    expect(tables.map((t) => [t.table, t.rows])).toEqual([
      ['region', 5],
      ['nation', 25],
    ]);
    for (const table of tables) expect(existsSync(table.path)).toBe(true);
  });
});

describe.concurrent('hostile input', () => {
  it('--json keeps digits a double loses, as strings beside the column types', async () => {
    const dir = join(scratch, 'exact');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'm.csv'), 'k,v\n9007199254740993,10385578376.585467\n1,0.000001\n');
    writeFileSync(join(dir, 'm.schema'), 'k bigint\nv decimal(18,6)\n');
    const run = await sluice(['query', 'select sum(k), sum(v), max(v) from m', '--data', dir, '--json', '--compare']);
    expect(run.code, run.stderr).toBe(0);
    const result = (JSON.parse(run.stdout) as { result: { columns: { type: string }[]; rows: unknown[][] } }).result;
    expect(result.rows).toEqual([['9007199254740994', '10385578376.585468', '10385578376.585467']]);
    expect(result.columns.map((column) => column.type)).toEqual(['integer', 'decimal(38,6)', 'decimal(18,6)']);
  });

  it('a full group map names the limit and --max-groups; a SUM of a string is refused at its SQL position', async () => {
    const [groups, max] = await Promise.all([
      sluice(['query', 'select l_orderkey, count(*) from lineitem group by l_orderkey', '--data', TINY, '--max-groups', '1']),
      sluice(['query', 'select count(*),\n  sum(l_returnflag) from lineitem', '--data', TINY]),
    ]);
    expect(expectCleanError(groups, 1)).toMatch(/lineitem\.csv:\d+:1: more than 1 groups: the group map holds 1 \(raise the limit with --max-groups\)$/);
    expect(expectCleanError(max, 1)).toBe('error: query.sql:2:7: SUM needs a number, found char(1)');
  });

  it('a CSV whose lines end in a lone CR is refused at the first one', async () => {
    const dir = join(scratch, 'lone-cr');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'c.csv'), 'a,b\r1,2\r');
    const run = await sluice(['query', 'select count(*) from c', '--data', dir]);
    expect(expectCleanError(run, 1)).toMatch(/c\.csv:1:4: lines end with a lone carriage return/);
  });
});

describe('answers', () => {
  it('query --compare on sensors gives the pushdown answer, the report rows and the ship-all check', async () => {
    const sql = 'select count(*), sum(humidity) from sensors where sensor_id < 20';
    const [pushdown, compare] = await Promise.all([sluice(['query', sql]), sluice(['query', sql, '--compare'])]);
    expect(pushdown.code, pushdown.stderr).toBe(0);
    expect(compare.code, compare.stderr).toBe(0);
    expect(pushdown.stderr + compare.stderr).toBe(''); // no progress bar when not on a terminal
    const answer = (text: string) => text.slice(0, text.indexOf('(1 row)'));
    expect(answer(compare.stdout)).toBe(answer(pushdown.stdout));
    // The same answer, computed here from csv-parse records.
    const rows = parse(readFileSync(join(PROJECT_ROOT, 'datasets', 'sensors.csv')), { columns: true }) as Record<string, string>[];
    const chosen = rows.filter((row) => Number(row.sensor_id) < 20);
    const hundredths = chosen.reduce((sum, row) => sum + Math.round(Number(row.humidity) * 100), 0);
    const [count, sum] = answer(pushdown.stdout).split('\n')[2]!.split('|').map((cell) => cell.trim());
    expect(Number(count)).toBe(chosen.length);
    expect(Math.round(Number(sum) * 100)).toBe(hundredths);
    for (const row of ['pushdown', 'ship-all', 'link bytes (wire, both ways)', 'end to end', 'bottleneck']) expect(compare.stdout).toContain(row);
    expect(compare.stdout).toContain('ship-all (csv-parse on the compute node) gave the same answer.');
  });

  it('query --nodes 2 and 3 through the built command (worker threads) give the single node answer', async () => {
    const sql = 'select l_returnflag, count(*), sum(l_quantity) from lineitem group by l_returnflag';
    const [one, two, three] = await Promise.all([
      sluice(['query', sql, '--data', TINY]),
      sluice(['query', sql, '--data', TINY, '--nodes', '2']),
      sluice(['query', sql, '--data', TINY, '--nodes', '3', '--compare']),
    ]);
    for (const run of [one, two, three]) expect(run.code, run.stderr).toBe(0);
    const answer = (text: string) => text.slice(0, text.indexOf('(3 rows)'));
    expect(answer(one.stdout)).toMatch(/^R +\| +2 +\| +87\.00$/m); // by hand from tiny/lineitem.csv: 38 + 49
    expect(answer(two.stdout)).toBe(answer(one.stdout));
    expect(answer(three.stdout)).toBe(answer(one.stdout));
    expect(two.stdout).toContain('2 storage nodes, 5 rows');
    expect(three.stdout).toContain('ship-all (csv-parse on the compute node) gave the same answer.');
  });

  it('run: filter-sum over people.csv sums price where qty < 50', async () => {
    const run = await sluice(['run', 'examples/filter-sum.s', '--file', PEOPLE, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { maps: { name: string; entries: [string, string][] }[]; returns: Record<string, number> };
    const state = Buffer.from(out.maps.find((m) => m.name === 'state')!.entries[0]![1], 'hex');
    // By hand: qty < 50 in rows 1, 3, 4 and 6: price 100 + 300 + 7 - 20.
    expect(state.readBigInt64LE(56)).toBe(387n);
    expect(state.readBigUInt64LE(64)).toBe(4n);
    expect(state.readBigUInt64LE(80)).toBe(0n);
    expect(out.returns).toEqual({ '1': 2 });
  });

  it('asm -> disasm -> asm gives the same bytes for examples/filter-sum.s, and an ELF object keeps its maps', async () => {
    const first = join(scratch, 'first');
    const again = join(scratch, 'again');
    expect((await sluice(['asm', 'examples/filter-sum.s', '-o', `${first}.bin`])).code).toBe(0);
    const listing = await sluice(['disasm', 'examples/filter-sum.s']);
    expect(listing.code, listing.stderr).toBe(0);
    expect(listing.stdout).toContain('.map config array key=4 value=24 entries=1 readonly');
    writeFileSync(`${again}.s`, listing.stdout);
    expect((await sluice(['asm', `${again}.s`, '-o', `${again}.bin`])).code).toBe(0);
    expect(readFileSync(`${again}.bin`)).toEqual(readFileSync(`${first}.bin`));
    expect((await sluice(['disasm', `${again}.s`])).stdout).toBe(listing.stdout);

    const object = join(scratch, 'count-lines.o');
    expect((await sluice(['asm', 'test/fixtures/storage/count-lines.s', '--elf', object])).code).toBe(0);
    const fromElf = await sluice(['disasm', object]);
    expect(fromElf.stdout).toContain('.map counts array key=4 value=16 entries=1');
    expect(fromElf.stdout).toBe((await sluice(['disasm', 'test/fixtures/storage/count-lines.s'])).stdout);
  });

  it.skipIf(!existsSync(CONFORMANCE))('plugin answers a bpf_conformance program (sluice asm piped in)', async () => {
    const test = readFileSync(join(CONFORMANCE, 'ldxh.data'), 'utf8');
    const section = (name: string) => test.split(/^-- /m).find((part) => part.startsWith(`${name}\n`))!.slice(name.length + 1).trim();
    writeFileSync(join(scratch, 'ldxh.s'), `${section('asm')}\n`);
    const hex = await sluice(['asm', join(scratch, 'ldxh.s')]);
    expect(hex.code, hex.stderr).toBe(0);
    for (const engine of ['interpreter', 'jit']) {
      const run = await sluice(['plugin', '--engine', engine, section('mem')], hex.stdout);
      expect(run.code, run.stderr).toBe(0);
      expect(BigInt(`0x${run.stdout.trim()}`)).toBe(BigInt(section('result')));
    }
  });
  if (!existsSync(CONFORMANCE)) console.log(`skipping the plugin test: ${CONFORMANCE} (../shared) is missing`);
});
