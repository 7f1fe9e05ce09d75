/**
 * Address ranges as operators write them (`10.0.0.0/8, 192.168.1.20, fd12:3456::/48`). Parsing is strict
 * on purpose: an allowlist is security configuration, so a spelling that could be read two ways
 * (`010.0.0.0/8`, `10.1.2.3/8`) is an error with a suggestion rather than a guess.
 */
import ipaddr from 'ipaddr.js';
import { type IpAddress, parseIp } from './classify.ts';

/** A range that cannot be parsed; the message names the setting and the entry. */
export class EgressConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EgressConfigError';
  }
}

export interface CidrRange {
  network: IpAddress;
  bits: number;
  /** Canonical text, e.g. `10.0.0.0/8`, `fd12:3456::/48`. */
  text: string;
  /** A single address (`/32` or `/128`), written with or without the prefix length. */
  exact: boolean;
}

/**
 * Parses a list of ranges separated by commas, spaces or new lines into canonical `address/bits` strings.
 * Empty text is an empty list. `setting` names the source in error messages.
 */
export function parseCidrList(text: string, setting = 'ASSAY_EGRESS_ALLOW'): string[] {
  return parseRanges(
    text.split(/[\s,]+/).filter((entry) => entry !== ''),
    setting,
  ).map((r) => r.text);
}

/** Parses already separated entries (a list from the configuration or an organisation setting). */
export function parseRanges(entries: readonly string[], setting = 'allowlist'): CidrRange[] {
  return entries.map((entry) => parseCidr(entry, setting));
}

export function parseCidr(entry: string, setting = 'allowlist'): CidrRange {
  const fail = (why: string): never => {
    throw new EgressConfigError(`${setting}: "${entry}" ${why}`);
  };
  const slash = entry.indexOf('/');
  const addressText = stripBrackets(slash === -1 ? entry : entry.slice(0, slash));
  const bitsText = slash === -1 ? undefined : entry.slice(slash + 1);

  let network: IpAddress | undefined;
  if (addressText.includes(':')) {
    network = addressText.includes('%') ? undefined : parseIp(addressText);
  } else if (ipaddr.IPv4.isValidFourPartDecimal(addressText)) {
    network = ipaddr.IPv4.parse(addressText);
  }
  if (network === undefined) {
    return fail(
      'is not an IP address or CIDR range (IPv4 as four decimal numbers without leading zeros, ' +
        'e.g. 10.0.0.0/8; IPv6 e.g. fd12:3456::/48; host names cannot be allowed, only addresses)',
    );
  }
  const max = network.kind() === 'ipv4' ? 32 : 128;
  let bits = max;
  if (bitsText !== undefined) {
    if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > max) {
      return fail(
        `has an invalid prefix length: ${network.kind() === 'ipv4' ? 'IPv4' : 'IPv6'} takes 0 to ${max}`,
      );
    }
    bits = Number(bitsText);
  }
  const address = canonical(network);
  const base = networkAddress(network, bits);
  if (canonical(base) !== address) {
    return fail(`has bits set beyond its /${bits} prefix; did you mean ${canonical(base)}/${bits}?`);
  }
  return { network, bits, text: `${address}/${bits}`, exact: bits === max };
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

function canonical(ip: IpAddress): string {
  return ip.kind() === 'ipv4' ? ip.toString() : (ip as ipaddr.IPv6).toRFC5952String();
}

function networkAddress(ip: IpAddress, bits: number): IpAddress {
  return ip.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${ip.toString()}/${bits}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${(ip as ipaddr.IPv6).toNormalizedString()}/${bits}`);
}
