/**
 * The session's own connector for undici: resolves the host itself (so DNS is timed and the resolved
 * address is checked by the egress guard, IP literals included), then opens TCP and TLS, timing each.
 *
 * A session has one request in flight, so the connection opened now belongs to that request: the
 * connector writes its phases into the session's probe, which the request reads afterwards.
 */
import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';
import tls from 'node:tls';
import type { buildConnector } from 'undici';
import { type EgressCheck, HttpError } from './types.ts';

export interface ConnectionProbe {
  dns: number;
  connect: number;
  tls: number;
  /** Ends the connection attempt in progress (the request timed out or was aborted). */
  cancel: ((error: Error) => void) | undefined;
}

export interface ConnectorOptions {
  lookup: LookupFunction | undefined;
  egressCheck: EgressCheck | undefined;
  insecure: boolean;
  probe: ConnectionProbe;
}

const KEEP_ALIVE_DELAY_MS = 60_000;

export function createConnector(options: ConnectorOptions): buildConnector.connector {
  const lookup = options.lookup ?? (dns.lookup as unknown as LookupFunction);
  const { probe, egressCheck, insecure } = options;

  return (connectOptions, callback) => {
    const { hostname, protocol } = connectOptions;
    const secure = protocol === 'https:';
    const port = Number(connectOptions.port) || (secure ? 443 : 80);
    const startedAt = performance.now();
    let socket: net.Socket | undefined;
    let settled = false;

    const finish = (error: Error | null, connected?: net.Socket): void => {
      if (settled) return;
      settled = true;
      probe.cancel = undefined;
      if (error) {
        socket?.destroy();
        callback(error, null);
      } else {
        callback(null, connected as net.Socket);
      }
    };
    probe.cancel = (error) => finish(error);

    const open = (address: string, family: 4 | 6, openedAt: number): void => {
      try {
        egressCheck?.(address, family, hostname);
      } catch (error) {
        finish(error as Error);
        return;
      }
      const where =
        address === hostname ? `${hostPort(hostname, port)}` : `${hostPort(hostname, port)} (${address})`;
      let tcpAt = 0;
      const current = secure
        ? tls.connect({
            host: address,
            port,
            servername: net.isIP(hostname) === 0 ? hostname : undefined,
            rejectUnauthorized: !insecure,
            ALPNProtocols: ['http/1.1'],
          })
        : net.connect({ host: address, port });
      socket = current;
      current.setNoDelay(true);
      current.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
      const onError = (error: NodeJS.ErrnoException): void =>
        finish(connectError(error, where, secure && tcpAt > 0));
      current.on('error', onError);
      current.once('connect', () => {
        tcpAt = performance.now();
        probe.connect = tcpAt - openedAt;
        if (!secure) {
          current.off('error', onError);
          finish(null, current);
        }
      });
      if (secure) {
        current.once('secureConnect', () => {
          probe.tls = performance.now() - tcpAt;
          current.off('error', onError);
          finish(null, current);
        });
      }
    };

    // undici hands IPv6 literals without brackets.
    const literal = net.isIP(hostname);
    if (literal !== 0) {
      open(hostname, literal as 4 | 6, startedAt);
      return;
    }
    lookup(hostname, { family: 0 }, (error, address, family) => {
      if (settled) return;
      const resolvedAt = performance.now();
      probe.dns = resolvedAt - startedAt;
      const first = Array.isArray(address) ? address[0] : { address, family };
      if (error || !first?.address) {
        const reason = error ? (error.code ?? error.message) : 'no address';
        finish(
          new HttpError('ENOTFOUND', `could not resolve host ${hostname} (${reason})`, { cause: error }),
        );
        return;
      }
      open(first.address, first.family === 6 ? 6 : 4, resolvedAt);
    });
  };
}

function connectError(error: NodeJS.ErrnoException, where: string, duringTls: boolean): HttpError {
  const options = { cause: error };
  if (error instanceof HttpError) return error;
  if (duringTls && error.code !== 'ECONNRESET') {
    const code = error.code ? ` (${error.code})` : '';
    // Node appends advice about its own flags (`--use-system-ca`) that means nothing to a suite author.
    const reason = error.message.split('; ')[0];
    return new HttpError('TLS', `TLS handshake with ${where} failed: ${reason}${code}`, options);
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return new HttpError('ECONNREFUSED', `connection refused by ${where}`, options);
    case 'ECONNRESET':
      return new HttpError('ECONNRESET', `connection reset by ${where}`, options);
    default:
      return new HttpError(
        'NETWORK',
        `could not connect to ${where}: ${error.code ?? error.message}`,
        options,
      );
  }
}

function hostPort(host: string, port: number): string {
  return net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}
