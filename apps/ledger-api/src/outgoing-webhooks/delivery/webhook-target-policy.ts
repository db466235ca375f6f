import { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { promisify } from 'node:util';

/** Networks a webhook may not reach in production: loopback, private, link-local, and the like. */
const BLOCKED_SUBNETS: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata services
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'], // multicast and reserved, up to the broadcast address
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'], // NAT64 maps IPv4 addresses, private ones included
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

export type TargetProblem = string | undefined;

/**
 * Which URLs webhooks may be sent to: http or https, and unless private targets are allowed (the
 * demo, tests), no address in a blocked network — checked on the URL, on every address its name
 * resolves to, and again when a delivery connects (`lookup`), so a name re-pointed after the
 * check (DNS rebinding) reaches nothing either.
 */
export class WebhookTargetPolicy {
  private readonly blocked = new BlockList();
  private readonly resolveAll = promisify(dnsLookup);

  constructor(private readonly allowPrivateTargets: boolean) {
    for (const [network, prefix, type] of BLOCKED_SUBNETS) this.blocked.addSubnet(network, prefix, type);
  }

  /** Why `url` is not a target webhooks may use, or undefined when it is. */
  async problemWith(url: string): Promise<TargetProblem> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'url must be an absolute http or https URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url must use http or https';
    if (parsed.username || parsed.password) return 'url must not contain credentials';
    if (this.allowPrivateTargets) return undefined;
    const host = hostOf(parsed);
    const addresses = isIP(host)
      ? [host]
      : await this.resolveAll(host, { all: true }).then(
          (found: LookupAddress[]) => found.map((entry) => entry.address),
          () => [],
        );
    if (addresses.length === 0) return 'url must name a host that resolves';
    if (addresses.some((address) => this.isBlocked(address))) {
      return 'url must not point to a loopback, link-local or private address';
    }
    return undefined;
  }

  /**
   * Why a delivery to `url` may not be sent, when its host is an address: a name is checked as
   * the connection is made (`lookup`), but an address is connected to without a lookup.
   */
  refusedAddress(url: string): TargetProblem {
    const host = hostOf(new URL(url));
    return !this.allowPrivateTargets && isIP(host) && this.isBlocked(host) ? `${host} is a blocked address` : undefined;
  }

  /** A `lookup` for outgoing requests that refuses blocked addresses at connect time. */
  readonly lookup = (
    hostname: string,
    options: object,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, []);
      const allowed = this.allowPrivateTargets ? found : found.filter((entry) => !this.isBlocked(entry.address));
      if (allowed.length === 0) return callback(new Error(`${hostname} resolves only to blocked addresses`), []);
      if ((options as { all?: boolean }).all) return callback(null, allowed);
      callback(null, allowed[0].address, allowed[0].family);
    });
  };

  private isBlocked(address: string): boolean {
    return this.blocked.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
  }
}

/** The URL's host without the brackets of an IPv6 address. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');
