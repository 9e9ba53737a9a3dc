import { pathToFileURL } from 'node:url';
import { QR_SHAPES, createWasendSimulator } from './server.js';
import type { SimSessionSpec, WasendSimulator } from './server.js';

/**
 * Sessions seeded by `npm run simulator`: three plainly named ones, one to pair, one already linked and one with a
 * phone number Wasend holds (for **Phone number instead**). `fixtures` adds one per QR shape and image style and one
 * speaking Wasend's status words, for testing the bot against every shape (`SIM_FIXTURES=1`).
 */
export function demoSessions(fixtures = false): SimSessionSpec[] {
  const plain: SimSessionSpec[] = [
    { id: 'demo', name: 'Demo phone', status: 'STOPPED' },
    { id: 'linked', name: 'Office phone', status: 'WORKING' },
    { id: 'shop', name: 'Shop front desk', status: 'STOPPED', phoneNumber: '+5511987654321' },
  ];
  if (!fixtures) return plain;
  return [
    ...plain,
    ...QR_SHAPES.map((qrShape): SimSessionSpec => ({ id: `shape-${qrShape}`, name: `QR shape ${qrShape}`, qrShape })),
    { id: 'style-small', name: 'Small 200 px image', imageStyle: 'small' },
    { id: 'style-transparent', name: 'Transparent background', imageStyle: 'transparent' },
    { id: 'style-jpeg', name: 'JPEG image', imageStyle: 'jpeg' },
    { id: 'vocab-wasend', name: 'Wasend status words', vocabulary: 'wasend', listShape: 'flat' },
  ];
}

function readNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, isValid: (value: number) => boolean): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!isValid(value))
    throw new Error(`${name}="${raw}" is not valid: set it to a ${name === 'SIM_PORT' ? 'port 0-65535' : 'positive number'} or leave it unset`);
  return value;
}

/**
 * Starts the simulator from environment variables: SIM_PORT (default 3100), SIM_API_KEY (default `sim-key`),
 * SIM_SPEED (default 1), SIM_GATEWAY (`wasend`, the default, `waha` or `evolution`), SIM_FIXTURES (`1`: the
 * sessions of every QR shape and image style too). Returns the simulator and the lines telling how to point the bot at it.
 */
export async function startSimulatorFromEnv(env: NodeJS.ProcessEnv): Promise<{ simulator: WasendSimulator; banner: string[] }> {
  const port = readNumber(env, 'SIM_PORT', 3100, (value) => Number.isInteger(value) && value >= 0 && value <= 65535);
  const speed = readNumber(env, 'SIM_SPEED', 1, (value) => Number.isFinite(value) && value > 0);
  const customKey = env.SIM_API_KEY?.trim();
  const apiKey = customKey || 'sim-key';
  const gatewayName = (env.SIM_GATEWAY?.trim().toLowerCase() || 'wasend') as 'wasend' | 'waha' | 'evolution';
  if (!['wasend', 'waha', 'evolution'].includes(gatewayName)) {
    throw new Error(`SIM_GATEWAY="${env.SIM_GATEWAY ?? ''}" is not valid: set it to wasend, waha or evolution, or leave it unset`);
  }
  // WAHA and Evolution name sessions by their id, and have one QR shape of their own.
  const fixtures = ['1', 'true', 'yes'].includes(env.SIM_FIXTURES?.trim().toLowerCase() ?? '');
  const sessions =
    gatewayName === 'wasend'
      ? demoSessions(fixtures)
      : demoSessions(fixtures).filter(
          (session) => session.vocabulary === undefined && session.listShape === undefined && session.qrShape === undefined,
        );
  const simulator = await createWasendSimulator({ apiKey, port, speed, sessions, gateway: gatewayName });
  const shownKey = customKey ? '<the value of SIM_API_KEY>' : apiKey;
  const banner = [
    `${{ wasend: 'Wasend', waha: 'WAHA', evolution: 'Evolution API' }[gatewayName]} simulator listening on ${simulator.url} (speed x${speed})`,
    'Point the bot at it:',
    ...(gatewayName === 'wasend'
      ? [`  WASEND_BASE_URL=${simulator.url}`, `  WASEND_API_KEY=${shownKey}`]
      : [`  GATEWAY=${gatewayName}`, `  GATEWAY_URL=${simulator.url}`, `  GATEWAY_API_KEY=${shownKey}`]),
    `Sessions: ${sessions.map((session) => session.id).join(', ')}`,
    `Controls (no key): POST ${simulator.url}/_sim/sessions/<id>/scan | fail | logout | rotate, GET ${simulator.url}/_sim/sessions`,
    `  POST ${simulator.url}/_sim/sessions/<id>/enter-code {"code":"..."} | passkey {"step":"required"|"confirmation"}, POST ${simulator.url}/_sim/features {"pairingCodes":false}`,
    'Ctrl+C to stop.',
  ];
  return { simulator, banner };
}

async function main(): Promise<void> {
  const { simulator, banner } = await startSimulatorFromEnv(process.env);
  for (const line of banner) console.log(line);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the simulator`);
    void simulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
