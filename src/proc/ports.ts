// What a process listens on, for leak reports ("listening on 127.0.0.1:5173"): its socket
// descriptors matched against its network namespace's tables in /proc/<pid>/net/.

/** TCP_LISTEN in /proc/net/tcp; an unconnected UDP socket is TCP_CLOSE (07) there. */
const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/** The inode of every socket among a process's descriptors (`socket:[12345]`). */
export function socketInodes(fdTargets: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const target of fdTargets) if (target.startsWith('socket:[')) out.add(target.slice(8, -1));
  return out;
}

// /proc/net/tcp writes an IPv4 address as one little-endian 32-bit hex word, and an IPv6 one as
// four of them; the port is big-endian hex.
function decodeAddress(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  const bytes: number[] = [];
  for (let word = 0; word < 4; word++) for (const i of [3, 2, 1, 0]) bytes.push(Number.parseInt(hex.slice(word * 8 + i * 2, word * 8 + i * 2 + 2), 16));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // The longest run of zero groups becomes '::'.
  const text = groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
  return `[${text.replace(/:{3,}/, '::')}]`;
}

/**
 * The addresses a table (the text of /proc/<pid>/net/tcp, tcp6, udp or udp6) shows listening on
 * any of `inodes`: TCP sockets in LISTEN, UDP sockets bound to a port.
 */
export function listeningIn(table: string, inodes: ReadonlySet<string>, protocol: 'tcp' | 'udp'): string[] {
  const out: string[] = [];
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !inodes.has(f[9])) continue;
    const [address, portHex] = f[1].split(':');
    const port = Number.parseInt(portHex, 16);
    const state = f[3];
    if (protocol === 'tcp' ? state !== TCP_LISTEN : state !== UDP_UNCONNECTED || port === 0) continue;
    out.push(`${decodeAddress(address)}:${port}/${protocol}`);
  }
  return out;
}
