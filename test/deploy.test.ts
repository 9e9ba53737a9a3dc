import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './faults/process.js';

/* The deployment files cannot run here (no container engine, no systemd): they are kept minimal and at least parsed. */

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

it('the systemd unit has its sections and starts the built bot with the .env settings', () => {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of read('deploy/wasend-qr-bot.service').split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const section = /^\[(\w+)\]$/.exec(trimmed);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const pair = /^(\w+)=(.*)$/.exec(trimmed);
    expect(pair, `a line that is not Key=value: ${trimmed}`).not.toBeNull();
    expect(current, 'a setting before any section').toBeDefined();
    current!.set(pair![1]!, pair![2]!);
  }
  expect([...sections.keys()]).toEqual(['Unit', 'Service', 'Install']);
  expect(sections.get('Service')?.get('ExecStart')).toBe('/usr/bin/node dist/main.js');
  expect(sections.get('Service')?.get('EnvironmentFile')).toMatch(/\.env$/);
});

it('the Dockerfile builds with npm ci and runs dist/main.js as a non-root user', () => {
  const instructions = read('Dockerfile')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(' ')[0]);
  const known = new Set(['FROM', 'WORKDIR', 'RUN', 'COPY', 'ENV', 'USER', 'VOLUME', 'EXPOSE', 'CMD']);
  expect(instructions.filter((word) => !known.has(word ?? ''))).toEqual([]);
  const text = read('Dockerfile');
  expect(text).toMatch(/RUN npm ci/);
  expect(text).toMatch(/USER node/);
  expect(text).toMatch(/CMD \["node", "dist\/main\.js"\]/);
});

it('the compose file runs the bot, PostgreSQL and WAHA, the bot pointed at both', () => {
  const compose = parse(read('deploy/compose.yaml')) as { services: Record<string, { environment?: Record<string, string> }> };
  expect(Object.keys(compose.services).sort()).toEqual(['bot', 'postgres', 'waha']);
  const bot = compose.services['bot']?.environment ?? {};
  expect(bot['GATEWAY']).toBe('waha');
  expect(bot['GATEWAY_URL']).toBe('http://waha:3000');
  expect(bot['DATABASE_URL']).toMatch(/^postgres:\/\/.*@postgres:5432\//);
  expect(compose.services['waha']?.environment?.['WHATSAPP_HOOK_URL']).toBe('http://bot:8080/webhooks/waha');
});
