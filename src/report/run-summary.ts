// A short text summary of one pushdown run, for `sluice query` without --compare.
import type { RunStats } from '../storage/run-stats.js';
import { formatBytes, formatSeconds } from './units.js';
import { formatCount } from '../util/count.js';

/** formatRunSummary renders what one run moved and how long each modelled stage took. */
export function formatRunSummary(run: RunStats): string {
  const link = run.link;
  const lines: [string, string][] = [
    ['read from devices', formatBytes(run.device.bytesRead)],
    ['seen at the hook', `${formatBytes(run.hook.bytes)} in ${formatCount(run.hook.chunks)} chunk${run.hook.chunks === 1 ? '' : 's'}`],
    ['copied to user space', formatBytes(run.userSpace.copiedBytes)],
    ['not copied (consumed at the hook)', formatBytes(run.userSpace.notCopiedBytes)],
    ...(run.returned ? [['rows returned by the program', `${formatCount(run.returned.rows)} (${formatBytes(run.returned.bytes)})`] as [string, string]] : []),
    ['eBPF instructions', formatCount(run.hook.instructions)],
    ['verify + load (measured)', verifyAndLoad(run)],
    ['program CPU time (measured)', formatSeconds(run.hook.cpuSeconds)],
    ['link to storage (program)', `${formatBytes(link.toStorage.payloadBytes)} payload, ${formatCount(link.toStorage.packets)} packets`],
    ['link to compute (result)', `${formatBytes(link.toCompute.payloadBytes)} payload, ${formatCount(link.toCompute.packets)} packets`],
    ['end to end (modelled)', `${formatSeconds(run.pipeline.endToEnd)}, bottleneck: ${run.pipeline.bottleneck}`],
  ];
  if (run.hook.engineFallback !== undefined) lines.push(['engine', run.hook.engineFallback]);
  const width = Math.max(...lines.map(([label]) => label.length));
  const header = `${run.file}: ${formatBytes(run.fileBytes)}${run.rows === undefined ? '' : `, ${formatCount(run.rows)} rows`}, chunks of ${formatBytes(run.chunkBytes)} (pushdown; add --compare to ship everything too)`;
  return `${header}\n${lines.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n')}\n`;
}

/** verifyAndLoad shows the measured verify + load time, saying when the node took the verdict from its cache or its store of verified programs. */
export function verifyAndLoad(run: RunStats): string {
  return `${run.hook.verifyCached ? 'verified (cached), ' : ''}${formatSeconds(run.hook.loadSeconds)}`;
}
