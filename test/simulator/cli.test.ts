import { describe, expect, it } from 'vitest';
import { startSimulatorFromEnv } from '../../src/simulator/cli.js';
import { QR_SHAPES } from '../../src/simulator/server.js';

describe('npm run simulator', () => {
  it('serves the seeded sessions with the default key and says how to point the bot at it', async () => {
    const { simulator, banner } = await startSimulatorFromEnv({ SIM_PORT: '0', SIM_SPEED: '50' });
    try {
      const text = banner.join('\n');
      expect(text).toContain(`WASEND_BASE_URL=${simulator.url}`);
      expect(text).toContain('WASEND_API_KEY=sim-key');
      const response = await fetch(`${simulator.url}/sessions`, { headers: { authorization: 'Bearer sim-key' } });
      const { sessions } = (await response.json()) as { sessions: Array<{ uniqueSessionId?: string; session?: { uniqueSessionId: string } }> };
      const ids = sessions.map((item) => item.uniqueSessionId ?? item.session?.uniqueSessionId);
      expect(ids).toEqual(expect.arrayContaining(['demo', 'linked', ...QR_SHAPES.map((shape) => `shape-${shape}`)]));
      expect(simulator.state('demo')?.status).toBe('STOPPED');
      expect(simulator.state('linked')?.status).toBe('WORKING');
    } finally {
      await simulator.close();
    }
  });

  it('uses SIM_API_KEY without printing it', async () => {
    const { simulator, banner } = await startSimulatorFromEnv({ SIM_PORT: '0', SIM_API_KEY: 'my-private-key' });
    try {
      expect(banner.join('\n')).not.toContain('my-private-key');
      const ok = await fetch(`${simulator.url}/sessions`, { headers: { authorization: 'Bearer my-private-key' } });
      expect(ok.status).toBe(200);
    } finally {
      await simulator.close();
    }
  });

  it('names the variable when a value is bad', async () => {
    await expect(startSimulatorFromEnv({ SIM_SPEED: 'fast' })).rejects.toThrow(/SIM_SPEED/);
    await expect(startSimulatorFromEnv({ SIM_PORT: '70000' })).rejects.toThrow(/SIM_PORT/);
  });
});
