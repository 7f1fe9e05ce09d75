/**
 * A test-only tripwire: while installed, any socket in this process that tries to connect anywhere but
 * loopback throws at once, before a packet leaves. It backs up the rule that security tests talk to
 * 127.0.0.0/8 and ::1 only, should the code under test (or a test) get it wrong.
 *
 * Deliberately independent of `src/core/egress`: it uses Node's BlockList, so a bug in the classifier
 * under test cannot also blind the tripwire.
 */
import net from 'node:net';

const loopback = new net.BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
loopback.addSubnet('::ffff:127.0.0.0', 104, 'ipv6');

/** Whether a socket `host` is loopback. Host names are not resolved: only `localhost` passes. */
export function isLoopbackTarget(host: string | undefined): boolean {
  if (host === undefined || host === 'localhost') return true;
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = net.isIP(bare);
  if (family === 0) return false;
  return loopback.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

export interface Tripwire {
  /** Targets refused so far; a test run ends with this empty. */
  tripped: string[];
  uninstall(): void;
}

/** Unix sockets and pipes are local by nature and pass. */
export function installTripwire(): Tripwire {
  const original = net.Socket.prototype.connect;
  const tripped: string[] = [];
  const guarded = function (this: net.Socket, ...args: unknown[]): net.Socket {
    const host = targetHost(args);
    if (host !== null && !isLoopbackTarget(host)) {
      tripped.push(String(host));
      throw new Error(`ssrf tripwire: refused a connection to non-loopback ${String(host)}`);
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  };
  net.Socket.prototype.connect = guarded as typeof original;
  return {
    tripped,
    uninstall() {
      net.Socket.prototype.connect = original;
    },
  };
}

/** The host a `connect(...)` call aims at; `null` for a Unix socket path. Covers Node's argument forms. */
function targetHost(args: unknown[]): string | undefined | null {
  // net.connect() hands over its normalised arguments as one array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (typeof first === 'string') return null;
  if (typeof first === 'number') return typeof args[1] === 'string' ? args[1] : undefined;
  if (first !== null && typeof first === 'object') {
    const options = first as { host?: unknown; path?: unknown };
    if (typeof options.path === 'string') return null;
    return typeof options.host === 'string' ? options.host : undefined;
  }
  return undefined;
}
