/** The one host callback the runtime may call, captured at boot and removed from the global object. */
import { HOST_CALLBACK_GLOBAL } from '../protocol.ts';

type HostCallback = (kind: number, id: number, data: string) => void;

let hostCallback: HostCallback | undefined;

export function captureHost(): void {
  const globals = globalThis as Record<string, unknown>;
  const callback = globals[HOST_CALLBACK_GLOBAL];
  if (typeof callback !== 'function') throw new Error('sandbox runtime: the host callback is missing');
  hostCallback = callback as HostCallback;
  delete globals[HOST_CALLBACK_GLOBAL];
}

export function toHost(kind: number, id = 0, data = ''): void {
  hostCallback?.(kind, id, data);
}
