// `sluice asm`, `sluice disasm` and `sluice verify`: tools for people who bring their own eBPF (each loads its modules when it runs).
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { ProgramSpec } from '../../asm/program.js';
import { SluiceError, UsageError } from '../../util/errors.js';
import type { ContextSpec, VerifierResult } from '../../verifier/index.js';
import { HOOK_CONTEXT } from '../../storage/hook-context.js';

/** Verifier is the verifier's module, loaded only when `verify` runs (other commands and --help do not pay for it). */
type Verifier = typeof import('../../verifier/index.js');

/** registerTools adds asm, disasm and verify. */
export function registerTools(program: Command): void {
  program
    .command('asm')
    .description('assemble eBPF assembly (bpf_conformance or llvm-objdump syntax) to bytecode')
    .argument('<file.s>', 'assembly text')
    .option('-o, --out <file.bin>', 'write raw bytecode (8-byte little-endian slots)')
    .option('--elf <file.o>', 'write a relocatable ELF object (loadable by sluice verify/run)')
    .addHelpText('after', '\nExamples:\n  sluice asm examples/filter-sum.s                  # hex slots on stdout\n  sluice asm examples/filter-sum.s -o filter-sum.bin\n  sluice asm test/fixtures/storage/count-lines.s --elf count-lines.o')
    .action(async (file: string, options: { out?: string; elf?: string }) => {
      const [{ loadProgramFile }, { encode }] = await Promise.all([import('../program-input.js'), import('../../asm/instruction.js')]);
      const spec = loadProgramFile(file);
      const bytes = encode(spec.insns);
      if (options.out) writeFileSync(options.out, bytes);
      if (options.elf) writeFileSync(options.elf, await elfObject(spec, options.elf));
      if (!options.out && !options.elf) {
        for (let at = 0; at < bytes.length; at += 8) process.stdout.write(`${Buffer.from(bytes.subarray(at, at + 8)).toString('hex').replace(/(..)(?!$)/g, '$1 ')}\n`);
      }
    });
  program
    .command('disasm')
    .description('print a program in llvm-objdump syntax (reassembles to the same program)')
    .argument('<program>', 'ELF object (.o), raw bytecode (.bin) or assembly (.s)')
    .option('--section <name>', 'ELF program section or function name')
    .option('--raw', 'show each instruction\'s bytes')
    .addHelpText('after', '\nExamples:\n  sluice disasm ../shared/anchors/csv.bpf.o\n  sluice disasm filter-sum.bin --raw   # written by `sluice asm ... -o filter-sum.bin`')
    .action(async (file: string, options: { section?: string; raw?: boolean }) => {
      const [{ loadProgramFile }, { disassemble }] = await Promise.all([import('../program-input.js'), import('../../asm/disassembler.js')]);
      process.stdout.write(disassemble(loadProgramFile(file, options.section), { rawBytes: Boolean(options.raw) }));
    });
  program
    .command('verify')
    .description('prove a program safe for the storage hook (or for a memory buffer), like the Linux verifier')
    .argument('<program>', 'ELF object (.o), raw bytecode (.bin) or assembly (.s)')
    .option('--section <name>', 'ELF program section or function name')
    .option('--context <kind>', 'hook (xdp_md layout + Sluice fields) or mem:N (r1 = N bytes, r2 = N)', 'hook')
    .option('--log', 'print the whole walk (every instruction with its register state), also before a refusal')
    .option('--json', 'print the verdict as JSON: statistics, or the refused insn #N, its reason and registers')
    .addHelpText('after', '\nExamples:\n  sluice verify ../shared/anchors/csv.bpf.o\n  sluice verify examples/filter-sum.s --log\n  sluice verify prog.bin --context mem:64   # a program over a 64-byte buffer, as bpf_conformance runs it')
    .action(async (file: string, options: { section?: string; context: string; log?: boolean; json?: boolean }) => {
      const [{ loadProgramFile }, verifier] = await Promise.all([import('../program-input.js'), import('../../verifier/index.js')]);
      const spec = loadProgramFile(file, options.section);
      const { checkMapSpecs } = await import('../../vm/maps.js');
      checkMapSpecs(spec.maps); // the storage node would refuse to create these maps at attach
      const result = verifyShowingRefusal(verifier, spec, parseContext(verifier, options.context), options);
      if (options.log) process.stdout.write(result.log.endsWith('\n') ? result.log : `${result.log}\n`);
      const s = result.stats;
      if (options.json) {
        process.stdout.write(`${JSON.stringify({ accepted: true, program: spec.name, section: spec.section, stats: s })}\n`);
        return;
      }
      process.stdout.write(
        `${file}: ${spec.name} accepted: ${s.processedInsns} instructions processed, ${s.states} states (peak ${s.peakStates}), stack ${s.maxStackDepth} bytes, ${s.timeMs.toFixed(1)} ms\n`,
      );
    });
}

/**
 * verifyShowingRefusal verifies `spec`; when it is refused, `--log` first prints the walk that led to the
 * refusal and `--json` prints the refusal as JSON on stdout, then the error ends the command with exit 1.
 */
function verifyShowingRefusal(verifier: Verifier, spec: ProgramSpec, context: ContextSpec, options: { log?: boolean; json?: boolean }): VerifierResult {
  const { verify, VerifierError } = verifier;
  try {
    return verify(spec, { context, logLevel: options.log ? 2 : 0 });
  } catch (error) {
    if (error instanceof VerifierError) {
      if (options.log && error.log) process.stdout.write(error.log.endsWith('\n') ? error.log : `${error.log}\n`);
      if (options.json) {
        const refusal = { accepted: false, program: spec.name, section: spec.section, insn: error.insn, disassembly: error.disassembly, reason: error.reason, registers: error.registers };
        process.stdout.write(`${JSON.stringify(refusal)}\n`);
      }
    }
    throw error;
  }
}

function parseContext(verifier: Verifier, text: string): ContextSpec {
  if (text === 'hook') return HOOK_CONTEXT;
  const match = /^mem:(\d+)$/.exec(text);
  if (match) return verifier.memoryContext(Number(match[1]));
  throw new UsageError(`--context must be hook or mem:N, got "${text}"`);
}

/** elfObject writes `spec` as an ELF object, naming the output file when the writer refuses it. */
async function elfObject(spec: ProgramSpec, out: string): Promise<Uint8Array> {
  const [{ writeObject }, { ElfError }] = await Promise.all([import('../../elf/writer.js'), import('../../elf/errors.js')]);
  try {
    return writeObject(spec);
  } catch (error) {
    if (error instanceof ElfError) throw new SluiceError(`cannot write ${out}: ${error.where}: ${error.reason}`, { cause: error });
    throw error;
  }
}
