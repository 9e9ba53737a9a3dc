import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pairingCode } from './codes.js';
import { handleControl } from './control.js';
import { handleEvolution } from './evolution-routes.js';
import { applyFault } from './faults.js';
import { MAX_REQUEST_LOG, sendJson, type Exchange } from './http-util.js';
import type { SimRequestRecord, SimulatorOptions, WasendSimulator } from './types.js';
import { handleWaha } from './waha-routes.js';
import { handleWasend } from './wasend-routes.js';
import { createWorld, type World } from './world.js';

export type * from './types.js';
export { QR_SHAPES } from './responses.js';

/** Which front answers the API: the gateway the simulator plays. */
const FRONTS: Record<World['gateway'], (w: World, exchange: Exchange, method: string, path: string) => Promise<void>> = {
  wasend: handleWasend,
  waha: handleWaha,
  evolution: handleEvolution,
};

/**
 * Starts a Wasend-compatible HTTP server on loopback (or a WAHA or Evolution API one, by `gateway`). Session states
 * are computed from timestamps on each request, so thousands of sessions cost no timers; only a configured webhook
 * schedules (unref'd) timers.
 */
export async function createWasendSimulator(options: SimulatorOptions): Promise<WasendSimulator> {
  const w = createWorld(options);
  const { sessions, requests, clock, timing, actions, mustGet } = w;

  const handleApi = async (exchange: Exchange, method: string, path: string): Promise<void> => {
    const fault = w.takeFault(path, false);
    if (fault && (await applyFault(w, exchange, fault))) return;
    return FRONTS[w.gateway](w, exchange, method, path);
  };

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://simulator');
    const path = url.pathname;
    const isControl = path.startsWith('/_sim/');
    const record: SimRequestRecord | undefined = isControl ? undefined : { method, path, query: url.search, at: Date.now(), status: 0 };
    if (record) {
      requests.push(record);
      if (requests.length > MAX_REQUEST_LOG + 10_000) requests.splice(0, 10_000);
    }
    const exchange: Exchange = record ? { req, res, record } : { req, res };
    const handling = isControl ? handleControl(w, exchange, method, path) : handleApi(exchange, method, path);
    handling.catch((error: unknown) => {
      sendJson(exchange, 500, { message: `Simulator error: ${error instanceof Error ? error.message : String(error)}` });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost =
    address.address === '0.0.0.0'
      ? '127.0.0.1'
      : address.address === '::'
        ? '[::1]'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address;

  for (const spec of options.sessions ?? []) w.addSession(spec);

  let closing: Promise<void> | undefined;
  const simulator: WasendSimulator = {
    url: `http://${urlHost}:${address.port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        w.closed = true;
        for (const session of sessions.values()) clearTimeout(session.timer);
        for (const timer of w.pendingDelays) clearTimeout(timer);
        w.pendingDelays.clear();
        w.webhook?.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    addSession(spec) {
      w.addSession(spec);
    },
    state(id) {
      const session = sessions.get(id);
      return session ? w.stateOf(session) : undefined;
    },
    scan: (id) => actions.scan(mustGet(id)),
    fail: (id) => actions.fail(mustGet(id)),
    logout: (id) => actions.logout(mustGet(id)),
    rotate: (id) => actions.rotate(mustGet(id)),
    enterCode: (id, code) => actions.enterCode(mustGet(id), code),
    passkey: (id, step) => actions.passkey(mustGet(id), step),
    setPairingCodes(enabled) {
      w.pairingCodes = enabled;
    },
    async prerender() {
      const drawing: Array<Promise<unknown>> = [];
      for (const session of sessions.values()) {
        const view = w.viewOf(session);
        const fresh = view.status === 'STOPPED' || view.status === 'FAILED' || view.status === 'STARTING';
        const series = fresh && view.status !== 'STARTING' ? session.series + 1 : session.series;
        for (let index = fresh ? 1 : Math.max(1, view.codeIndex); index <= timing.codeCount; index += 1) {
          drawing.push(w.renderImage(pairingCode(session.id, series, index), session.imageStyle));
        }
      }
      await Promise.all(drawing);
      return drawing.length;
    },
    injectFaults(fault, count = 1) {
      w.injectFault(fault, count);
    },
    pauseClock() {
      clock.pause();
      for (const session of sessions.values()) clearTimeout(session.timer);
    },
    resumeClock() {
      clock.resume();
      for (const session of sessions.values()) w.sync(session);
    },
    requests,
    resetRequests() {
      requests.length = 0;
    },
  };
  return simulator;
}
