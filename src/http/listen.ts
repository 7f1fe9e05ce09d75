/**
 * Listening and stopping. Stopping is graceful: the server stops accepting connections, idle keep-alive
 * sockets are closed at once and busy ones as soon as their response ends; when the caller's deadline
 * signal fires, whatever is left (a slow upload, a live event stream) is cut.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  server: Server;
  /** `http://host:port`, with the port actually bound (port 0 picks a free one). */
  url: string;
  close(deadline?: AbortSignal): Promise<void>;
}

export async function listen(
  app: RequestListener,
  options: { port: number; host: string },
): Promise<Listening> {
  const server = createServer(app);
  // Above common proxy idle timeouts (60 s), so the proxy, not us, closes idle upstream sockets.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${host}:${address.port}`,
    close(deadline) {
      closing ??= new Promise<void>((resolve) => {
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        const cut = () => server.closeAllConnections();
        deadline?.addEventListener('abort', cut, { once: true });
        server.close(() => {
          clearInterval(sweep);
          deadline?.removeEventListener('abort', cut);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
