// A cluster storage node reached over HTTP/1.1 (a `sluice serve` process): the same messages as a worker node, in request and response bodies.
import { request as httpRequest } from 'node:http';
import { NodeFailed, type ClusterNode, type RangeReply } from './cluster-node.js';
import { RUN_HEADER } from './node-server.js';

/** HttpNode talks to a node server at `base` (http://host:port). */
export class HttpNode implements ClusterNode {
  readonly name: string;
  private readonly base: URL;

  constructor(index: number, base: string) {
    this.base = new URL(base);
    if (this.base.protocol !== 'http:') throw new NodeFailed(`node ${index} (${base})`, 'only http:// node addresses are supported', { exitCode: 2 });
    this.name = `node ${index} (${this.base.origin})`;
  }

  async run(request: Uint8Array): Promise<RangeReply> {
    const { body, headers } = await this.call('POST', '/run', request);
    const numbers = JSON.parse(String(headers[RUN_HEADER] ?? 'null')) as Omit<RangeReply, 'result'> | null;
    if (numbers === null) throw new NodeFailed(this.name, `the response has no ${RUN_HEADER} header`);
    return { ...numbers, result: body };
  }

  async countLines(file: string, end: number): Promise<number> {
    const { body } = await this.call('GET', `/lines?file=${encodeURIComponent(file)}&end=${end}`);
    return Number(Buffer.from(body).toString('utf8'));
  }

  async close(): Promise<void> {}

  /** call sends one request and returns the body of a 200 response; anything else is NodeFailed with the server's sentence. */
  private call(method: string, path: string, body?: Uint8Array): Promise<{ body: Uint8Array; headers: Record<string, string | string[] | undefined> }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL(path, this.base), { method, headers: body ? { 'content-type': 'application/octet-stream', 'content-length': body.length } : {} }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('error', (error) => reject(new NodeFailed(this.name, `the response broke off: ${error.message}`, { cause: error })));
        res.on('end', () => {
          const data = Buffer.concat(parts);
          if (res.statusCode === 200) resolve({ body: new Uint8Array(data), headers: res.headers });
          else reject(new NodeFailed(this.name, `HTTP ${res.statusCode}: ${data.toString('utf8').trim()}`));
        });
      });
      req.on('error', (error) => reject(new NodeFailed(this.name, `cannot reach the node: ${error.message}`, { cause: error })));
      req.end(body);
    });
  }
}
