// Cluster nodes in worker threads of one process share compiled JIT modules: a broker on the compute node's thread, and each worker's side of it.
import { MessageChannel, type MessagePort, receiveMessageOnPort } from 'node:worker_threads';
import type { ModuleExchange } from '../vm/jit/module-cache.js';

/**
 * ModulePlace is what a worker is given to reach the broker: its end of a channel, and a word the
 * broker sets (to the number of the request it answered) when a reply waits on that channel.
 */
export interface ModulePlace {
  readonly port: MessagePort;
  readonly signal: SharedArrayBuffer;
}

/** TAKE_TIMEOUT_MS is how long a worker waits for a module before it compiles the bytes itself. */
const TAKE_TIMEOUT_MS = 5000;

type ToBroker = { readonly ask: number; readonly key: string } | { readonly offer: string; readonly module: WebAssembly.Module };
interface ToWorker {
  readonly id: number;
  readonly module?: WebAssembly.Module;
}

/** Asker is a worker's request the broker has yet to answer. */
interface Asker {
  readonly worker: BrokerEnd;
  readonly id: number;
}

interface BrokerEnd {
  readonly port: MessagePort;
  readonly signal: Int32Array;
}

/**
 * ModuleBroker answers the workers of one cluster: the first worker to ask for a module's key is told
 * to compile it (and offers it afterwards); a worker that asks meanwhile waits for that offer; later
 * ones get the module at once. A worker that stops before offering lets its waiters compile for themselves.
 */
export class ModuleBroker {
  private readonly modules = new Map<string, WebAssembly.Module>();
  /** Keys being compiled: by whom, and who waits for them. */
  private readonly compiling = new Map<string, { readonly by: BrokerEnd; readonly waiting: Asker[] }>();
  private readonly ends = new Set<BrokerEnd>();

  /** connect makes a channel for one more worker and returns the worker's end (transfer `port` with it). */
  connect(): ModulePlace {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const end: BrokerEnd = { port: port1, signal: new Int32Array(signal) };
    this.ends.add(end);
    port1.on('message', (message: ToBroker) => this.receive(end, message));
    port1.unref();
    return { port: port2, signal };
  }

  /** disconnect forgets a worker's end (its worker stopped): keys it was compiling are compiled by their waiters. */
  disconnect(place: ModulePlace): void {
    for (const end of this.ends) {
      if (end.signal.buffer !== place.signal) continue;
      // An offer the worker posted just before it stopped may not have been dispatched yet.
      for (let left = receiveMessageOnPort(end.port); left !== undefined; left = receiveMessageOnPort(end.port)) this.receive(end, left.message as ToBroker);
      this.ends.delete(end);
      end.port.close();
      for (const [key, job] of this.compiling) {
        if (job.by !== end) continue;
        this.compiling.delete(key);
        for (const asker of job.waiting) answer(asker, undefined);
      }
    }
  }

  private receive(end: BrokerEnd, message: ToBroker): void {
    if ('offer' in message) {
      this.modules.set(message.offer, message.module);
      for (const asker of this.compiling.get(message.offer)?.waiting ?? []) answer(asker, message.module);
      this.compiling.delete(message.offer);
      return;
    }
    const asker = { worker: end, id: message.ask };
    const module = this.modules.get(message.key);
    const job = this.compiling.get(message.key);
    if (module !== undefined) answer(asker, module);
    else if (job !== undefined) job.waiting.push(asker);
    else {
      this.compiling.set(message.key, { by: end, waiting: [] });
      answer(asker, undefined);
    }
  }
}

function answer({ worker, id }: Asker, module: WebAssembly.Module | undefined): void {
  worker.port.postMessage({ id, ...(module && { module }) } satisfies ToWorker);
  Atomics.store(worker.signal, 0, id);
  Atomics.notify(worker.signal, 0);
}

/**
 * workerExchange is a worker's side of the broker: `take` asks and waits (blocking this thread, for at
 * most TAKE_TIMEOUT_MS) for the answer, which arrives on the channel while the thread waits; `offer`
 * sends what this worker compiled.
 */
export function workerExchange(place: ModulePlace): ModuleExchange {
  const signal = new Int32Array(place.signal);
  let asked = 0;
  return {
    take(key) {
      const id = ++asked;
      place.port.postMessage({ ask: id, key } satisfies ToBroker);
      const deadline = performance.now() + TAKE_TIMEOUT_MS;
      for (;;) {
        // Read the word before the channel: a reply posted after this read changes it, so the wait below returns at once.
        const seen = Atomics.load(signal, 0);
        // Replies to earlier requests that timed out are read and dropped on the way.
        for (let reply = receiveMessageOnPort(place.port); reply !== undefined; reply = receiveMessageOnPort(place.port)) {
          const message = reply.message as ToWorker;
          if (message.id === id) return message.module;
        }
        const left = deadline - performance.now();
        if (left <= 0) return undefined;
        Atomics.wait(signal, 0, seen, left);
      }
    },
    offer(key, module) {
      place.port.postMessage({ offer: key, module } satisfies ToBroker);
    },
  };
}
