// Differential fuzzing at scale: random safe programs on the interpreter and the JIT (checked and with facts).
import { setFlagsFromString } from 'node:v8';
import { Command } from 'commander';
import { Interpreter } from '../src/vm/interpreter.js';
import { jitEngine } from '../src/vm/jit/engine.js';
import { allMemoryAccesses, difference, fuzzRuntime, observe } from '../src/fuzz/differential.js';
import { generateProgram } from '../src/fuzz/generator.js';
import { positiveInteger, wholeNumber } from '../src/util/option-values.js';

const options = new Command('bench-fuzz')
  .option('--count <n>', 'programs to generate and compare', positiveInteger, 100000)
  .option('--seed <n>', 'first seed (program k uses seed + k)', wholeNumber, 1)
  .parse()
  .opts<{ count: number; seed: number }>();

// Each program is a fresh wasm module; compiling its functions on first call instead of eagerly
// triples the programs checked per second (the generated code is the same).
setFlagsFromString('--wasm-lazy-compilation');
const count = options.count;
const first = options.seed;
const interpreter = new Interpreter();
const runtimes = { reference: fuzzRuntime(), checked: fuzzRuntime(), facts: fuzzRuntime() };
const started = performance.now();
let failures = 0;
let faulted = 0;
for (let k = 0; k < count; k++) {
  const seed = first + k;
  const spec = generateProgram(seed);
  const reference = observe(interpreter, spec, runtimes.reference);
  if ('error' in reference) faulted++;
  // Even seeds run the JIT with every access checked, odd seeds with every access proven safe.
  const label = seed % 2 === 0 ? 'checked' : 'facts';
  const facts = seed % 2 === 0 ? undefined : allMemoryAccesses(spec);
  const why = difference(reference, observe(jitEngine, spec, runtimes[label], facts));
  if (why !== undefined) {
    failures++;
    if (failures <= 20) console.log(`seed ${seed} (${label}): ${why}`);
  }
  if ((k + 1) % 100_000 === 0) console.log(`${k + 1} programs, ${failures} differences, ${((performance.now() - started) / 1000).toFixed(0)} s`);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `${count} programs (seeds ${first}..${first + count - 1}), each on the interpreter and the JIT (checked or with facts): ` +
    `${failures} differences; ${faulted} programs faulted identically; ${seconds.toFixed(1)} s`,
);
process.exitCode = failures === 0 ? 0 : 1;
