// Worker threads share compiled JIT modules through a broker: the first asker compiles, askers meanwhile wait for its offer, later ones take it at once.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ModuleBroker } from '../../src/storage/module-exchange.js';

const script = join(mkdtempSync(join(tmpdir(), 'sluice-exchange-')), 'worker.mjs');
buildSync({ entryPoints: [join(import.meta.dirname, '..', 'fixtures', 'storage', 'module-exchange-worker.ts')], bundle: true, platform: 'node', format: 'esm', outfile: script, logLevel: 'error' });

interface Answer {
  readonly took: boolean;
  readonly waitedMs: number;
}

/** ask starts a worker that asks `broker` for the key (a worker told to compile waits for `gate`, then offers unless `offers` is false). */
function ask(broker: ModuleBroker, gate: SharedArrayBuffer, offers = true): { asking: Promise<void>; answer: Promise<Answer> } {
  const place = broker.connect();
  const worker = new Worker(script, { workerData: { place, offers, gate }, transferList: [place.port] });
  let answer: Answer | undefined;
  let asking!: () => void;
  worker.on('message', (message: Answer | { asking: true }) => ('asking' in message ? asking() : (answer = message)));
  const exited = new Promise<void>((done) => worker.on('exit', () => done()));
  return {
    // The ask crosses to this thread's broker just after the worker says it asks.
    asking: new Promise<void>((done) => (asking = done)).then(() => sleep(200)),
    answer: exited.then(() => {
      broker.disconnect(place);
      if (!answer) throw new Error('the worker did not answer');
      return answer;
    }),
  };
}

const open = (gate: SharedArrayBuffer) => {
  Atomics.store(new Int32Array(gate), 0, 1);
  Atomics.notify(new Int32Array(gate), 0);
};

describe('ModuleBroker', () => {
  it('tells the first worker to compile, makes a worker that asks meanwhile wait for its module, and gives it at once afterwards', async () => {
    const broker = new ModuleBroker();
    const gate = new SharedArrayBuffer(4);
    const first = ask(broker, gate);
    await first.asking;
    const second = ask(broker, gate);
    await second.asking;
    open(gate);
    expect(await first.answer).toMatchObject({ took: false });
    const waited = await second.answer;
    expect(waited.took).toBe(true);
    expect(waited.waitedMs).toBeGreaterThanOrEqual(150); // it waited for the first worker's offer
    expect(await ask(broker, gate).answer).toMatchObject({ took: true });
  });

  it('lets a waiting worker compile for itself when the one compiling stops without offering', async () => {
    const broker = new ModuleBroker();
    const gate = new SharedArrayBuffer(4);
    const quitter = ask(broker, gate, false);
    await quitter.asking;
    const next = ask(broker, gate);
    await next.asking;
    open(gate);
    expect(await quitter.answer).toMatchObject({ took: false });
    const answer = await next.answer;
    expect(answer.took).toBe(false);
    // It waited for the quitter, and was told when the quitter stopped, not at the end of its wait's time limit.
    expect(answer.waitedMs).toBeGreaterThanOrEqual(150);
    expect(answer.waitedMs).toBeLessThan(4000);
  });
});
