/**
 * Loopback canaries for the SSRF connection-path tests: one HTTP server per loopback address
 * (127.0.0.1, 127.0.0.2, ::1), all on the same port so that a URL's port reaches whichever address a
 * name resolves to. Each counts the TCP connections it accepts: a refused connection must leave the
 * count at 0, which proves more than an error message does.
 *
 * Plus a resolver for test host names, so the tests never ask real DNS anything.
 */
import http from 'node:http';
import type { LookupFunction } from 'node:net';

export const CANARY_ADDRESSES = ['127.0.0.1', '127.0.0.2', '::1'] as const;
export type CanaryAddress = (typeof CANARY_ADDRESSES)[number];

export type CanaryHandler = (
  address: CanaryAddress,
  request: http.IncomingMessage,
  response: http.ServerResponse,
) => void;

export interface Canaries {
  port: number;
  connections: Record<CanaryAddress, number>;
  total(): number;
  /** What the servers answer; by default 200 "canary" and the connection is closed after it. */
  handle(handler: CanaryHandler | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

const closing: CanaryHandler = (_address, _request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain', connection: 'close' }).end('canary');
};

export async function startCanaries(): Promise<Canaries> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await tryStart();
    } catch (error) {
      // Another process may hold the port on 127.0.0.2 or ::1: pick another one.
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

async function tryStart(): Promise<Canaries> {
  const connections = { '127.0.0.1': 0, '127.0.0.2': 0, '::1': 0 } satisfies Record<CanaryAddress, number>;
  let handler: CanaryHandler = closing;
  const servers: http.Server[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(
      servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  };
  let port = 0;
  try {
    for (const address of CANARY_ADDRESSES) {
      const server = http.createServer((request, response) => handler(address, request, response));
      server.on('connection', () => {
        connections[address]++;
      });
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, address, () => resolve());
      });
      const bound = server.address();
      if (bound !== null && typeof bound === 'object') port = bound.port;
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    port,
    connections,
    total: () => Object.values(connections).reduce((sum, n) => sum + n, 0),
    handle(next) {
      handler = next ?? closing;
    },
    reset() {
      for (const address of CANARY_ADDRESSES) connections[address] = 0;
      handler = closing;
    },
    close,
  };
}

export interface TestResolver {
  lookup: LookupFunction;
  /** Host names asked for, in order. */
  asked: string[];
}

/**
 * Resolves test host names from a table; a list of answers is handed out one per lookup (the last one
 * repeats), which is how a rebinding name behaves. Unknown names fail as ENOTFOUND, never reaching DNS.
 */
export function testResolver(table: Record<string, string | readonly string[]>): TestResolver {
  const asked: string[] = [];
  const served = new Map<string, number>();
  const lookup = ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    asked.push(hostname);
    const entry = table[hostname];
    const answers = entry === undefined ? [] : typeof entry === 'string' ? [entry] : entry;
    const index = Math.min(served.get(hostname) ?? 0, answers.length - 1);
    served.set(hostname, index + 1);
    const address = answers[index];
    process.nextTick(() => {
      if (address === undefined) {
        const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        error.code = 'ENOTFOUND';
        callback(error);
        return;
      }
      const family = address.includes(':') ? 6 : 4;
      if (options?.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    });
  }) as unknown as LookupFunction;
  return { lookup, asked };
}
