// A cluster storage node as an HTTP/1.1 server (Node's http): program messages in, result messages out; bad requests get a clear HTTP error.
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SluiceError } from '../util/errors.js';
import { StorageError } from './errors.js';
import { NodeService, type NodeConfig } from './node-service.js';
import { decodeProgramRequest } from './wire.js';

/** MAX_REQUEST_BYTES is the largest program message a node accepts (programs are tens of KiB). */
export const MAX_REQUEST_BYTES = 4 << 20;
/** RUN_HEADER carries a run's numbers (JSON) beside the result message in the response body. */
export const RUN_HEADER = 'sluice-run';

/** NodeServerOptions configure a server: the node, and where to listen. */
export interface NodeServerOptions {
  readonly config: NodeConfig;
  readonly port: number;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
}

/** RunningServer is a started server: its port, and how to stop it. */
export interface RunningServer {
  readonly port: number;
  close(): Promise<void>;
}

/** HttpError is a request the server refuses, with its HTTP status. */
class HttpError extends SluiceError {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * startNodeServer serves one node. `POST /run` takes a program message with a range
 * (encodeProgramRequest) and answers with the result message (encodeResult) as the body and the
 * run's numbers as JSON in the `sluice-run` header; `GET /lines?file=F&end=N` answers the line
 * breaks in bytes [0, N) of F. Refusals: 400 malformed program message, 403 path outside the data
 * directory, 404 unknown file or path, 405 wrong method, 413 body over MAX_REQUEST_BYTES, 422 a
 * program the node refused or aborted; each is one sentence of text/plain, and the server goes on
 * serving. A client that disconnects mid-request is forgotten.
 */
export function startNodeServer(options: NodeServerOptions): Promise<RunningServer> {
  const service = new NodeService(options.config);
  const server: Server = createServer((request, response) => {
    handle(service, options.config, request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : error instanceof SluiceError ? 422 : 500;
      const text = error instanceof Error ? error.message : String(error);
      if (!response.headersSent && !response.destroyed) {
        response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' }).end(`${text}\n`);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

async function handle(service: NodeService, config: NodeConfig, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://node');
  if (url.pathname === '/lines') {
    if (request.method !== 'GET') throw new HttpError(405, `${request.method} ${url.pathname}: use GET`);
    const file = url.searchParams.get('file') ?? '';
    const end = Number(url.searchParams.get('end'));
    if (!Number.isSafeInteger(end) || end < 0) throw new HttpError(400, `/lines: end must be a byte offset, got '${url.searchParams.get('end')}'`);
    await checkFile(service, config, file);
    response.writeHead(200, { 'content-type': 'text/plain' }).end(String(await service.countLines(file, end)));
    return;
  }
  if (url.pathname !== '/run') throw new HttpError(404, `${url.pathname}: no such endpoint (POST /run, GET /lines)`);
  if (request.method !== 'POST') throw new HttpError(405, `${request.method} /run: use POST`);
  const body = await readBody(request);
  let file: string;
  try {
    ({ file } = decodeProgramRequest(body));
  } catch (error) {
    throw new HttpError(400, error instanceof Error ? error.message : String(error));
  }
  await checkFile(service, config, file);
  const reply = await service.run(body);
  const { result, ...numbers } = reply;
  response.writeHead(200, { 'content-type': 'application/octet-stream', [RUN_HEADER]: JSON.stringify(numbers) }).end(result);
}

/** checkFile refuses paths outside the data directory (403) and files that do not exist (404). */
async function checkFile(service: NodeService, config: NodeConfig, file: string): Promise<void> {
  let full: string;
  try {
    full = service.resolvePath(file);
  } catch (error) {
    throw new HttpError(403, error instanceof StorageError ? error.message : String(error));
  }
  const found = await stat(full).catch(() => undefined);
  if (!found?.isFile()) throw new HttpError(404, `${file}: no such file in the node's data directory ${config.dataDir}`);
}

/** readBody collects a request body up to MAX_REQUEST_BYTES (413 beyond); a client that goes away rejects. */
function readBody(request: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_REQUEST_BYTES) {
      reject(new HttpError(413, `request body of ${declared} bytes is over the node's limit of ${MAX_REQUEST_BYTES}`));
      request.resume();
      return;
    }
    const parts: Buffer[] = [];
    let length = 0;
    request.on('data', (part: Buffer) => {
      length += part.length;
      if (length > MAX_REQUEST_BYTES) {
        // Keep draining (nothing is kept) so that the 413 reaches the client.
        parts.length = 0;
        reject(new HttpError(413, `request body is over the node's limit of ${MAX_REQUEST_BYTES} bytes`));
        return;
      }
      parts.push(part);
    });
    request.on('end', () => resolve(new Uint8Array(Buffer.concat(parts))));
    request.on('aborted', () => reject(new HttpError(400, 'the client disconnected before sending the whole request')));
    request.on('error', reject);
  });
}
