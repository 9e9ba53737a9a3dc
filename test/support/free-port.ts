import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Ports handed out by this process, never handed out twice. */
const given = new Set<number>();

/**
 * The first port of the kernel's range for outgoing connections (Linux: 32768). A port below it is never taken as
 * the local port of a connection some test opens between the moment it is found free and the moment it is used;
 * the OS's own pick for port 0 comes from that range, and once was (EADDRINUSE in CI).
 */
function ephemeralStart(): number | undefined {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && Number.isInteger(low) ? low : undefined;
  } catch {
    return undefined;
  }
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function osPick(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A TCP port on 127.0.0.1 that was free a moment ago, outside the range outgoing connections take theirs from. */
export async function freePort(): Promise<number> {
  const end = ephemeralStart();
  const start = end === undefined ? undefined : Math.max(10_000, end - 12_000);
  if (end === undefined || start === undefined || start >= end) return osPick();
  for (let tries = 0; tries < 50; tries++) {
    const port = start + Math.floor(Math.random() * (end - start));
    if (given.has(port) || !(await isFree(port))) continue;
    given.add(port);
    return port;
  }
  return osPick();
}
