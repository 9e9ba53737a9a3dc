import { eventually } from '../support/wait.js';
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
      const { sessions } = (await response.json()) as {
        sessions: Array<{ uniqueSessionId?: string; session?: { uniqueSessionId: string; phoneNumber?: string } }>;
      };
      const ids = sessions.map((item) => item.uniqueSessionId ?? item.session?.uniqueSessionId);
      // One session has a number on file, for the "Phone number instead" flow of the README.
      expect(sessions.find((item) => item.session?.uniqueSessionId === 'shop')?.session?.phoneNumber).toBe('+5511987654321');
      // Three plainly named sessions: a newcomer's /sessions fits one page, and no name describes a state.
      expect(ids).toEqual(['demo', 'linked', 'shop']);
      expect(simulator.state('demo')?.status).toBe('STOPPED');
      expect(simulator.state('linked')?.status).toBe('WORKING');
    } finally {
      await simulator.close();
    }
  });

  it('SIM_FIXTURES=1 adds a session per QR shape and image style', async () => {
    const { simulator } = await startSimulatorFromEnv({ SIM_PORT: '0', SIM_FIXTURES: '1' });
    try {
      const response = await fetch(`${simulator.url}/sessions`, { headers: { authorization: 'Bearer sim-key' } });
      const { sessions } = (await response.json()) as { sessions: Array<{ uniqueSessionId?: string; session?: { uniqueSessionId: string } }> };
      const ids = sessions.map((item) => item.uniqueSessionId ?? item.session?.uniqueSessionId);
      expect(ids).toEqual(expect.arrayContaining(['demo', 'linked', 'shop', ...QR_SHAPES.map((shape) => `shape-${shape}`), 'style-jpeg']));
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

  it('stops, freeing its port, when the npm process that runs it gets SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const { freePort } = await import('../support/free-port.js');
    const { ROOT } = await import('../faults/process.js');
    const port = await freePort();
    const npm = spawn('npm', ['run', '--silent', 'simulator'], { cwd: ROOT, env: { ...process.env, SIM_PORT: String(port) }, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    const answers = () =>
      fetch(`http://127.0.0.1:${port}/_sim/sessions`).then(
        () => true,
        () => false,
      );
    try {
      await eventually(answers, 'the simulator to start', 30_000, 50);
      npm.kill('SIGTERM');
      await exited;
      await eventually(async () => !(await answers()), 'the simulator to stop answering once npm was stopped', 5_000, 50);
    } finally {
      npm.kill('SIGKILL');
    }
  }, 60_000);
});
