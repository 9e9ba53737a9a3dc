import { config as loadDotenv } from 'dotenv';
import { classifyTelegramError } from './telegram/errors.js';
import { createApp, type App } from './app.js';
import { ConfigError, createConfig, type Config } from './config/config.js';
import { inspectEnvFile, type EnvFileReport } from './env-file.js';
import { StartupError } from './startup.js';
import { createLogger, createSecretScrubber } from './shared/logger.js';
import { StoreOpenError } from './store/sqlite.js';
import { PostgresOpenError } from './store/postgres.js';

/** SIGINT/SIGTERM must end the process within this, whatever is still in flight. */
const SHUTDOWN_LIMIT_MS = 4_500;

function secretsOf(config: Config): string[] {
  return [
    config.telegram.token,
    config.wasend.apiKey,
    config.wasend.webhookSecret,
    config.telegram.webhook?.secret,
    config.http.metricsToken,
    config.databaseUrl,
    passwordOf(config.databaseUrl),
  ].filter((secret): secret is string => typeof secret === 'string' && secret !== '');
}

/** The password in a database URL, also scrubbed on its own (a driver error may quote it without the URL). */
function passwordOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const password = decodeURIComponent(new URL(url).password);
    // A very short one would blank out ordinary words; the whole URL is scrubbed anyway.
    return password.length >= 6 ? password : undefined;
  } catch {
    return undefined;
  }
}

/** Turns a start-up failure into one line a person can act on. */
function describeStartFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof StoreOpenError || error instanceof PostgresOpenError || error instanceof StartupError)
    return error.message;
  const failure = classifyTelegramError(error);
  if (failure === 'unauthorized') {
    return 'Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token from BotFather into .env again.';
  }
  if (failure === 'lost') {
    return 'Could not reach the Telegram Bot API (check the network or TELEGRAM_API_ROOT).';
  }
  return `Could not start: ${error instanceof Error ? error.message : String(error)}`;
}

/** Where to fix a bad configuration: `.env` when there is one, else how to make one. */
function configHint(envFile: EnvFileReport): string {
  return envFile.exists
    ? 'Fix these in .env (or in the environment, which wins over .env).'
    : 'There is no .env file here: copy .env.example to .env and fill it in (or set these variables in the environment).';
}

/** A `.env` line dotenv skips (named by number only: its text may hold a secret). */
function envLineWarning(problem: string): string {
  return `Warning: ${problem}.`;
}

async function main(): Promise<void> {
  const env: Record<string, string | undefined> = { ...process.env };
  const envFile = inspectEnvFile();
  loadDotenv({ processEnv: env, quiet: true });
  for (const problem of envFile.problems) {
    console.error(envLineWarning(problem));
  }

  let config: Config;
  try {
    config = createConfig(env);
  } catch (error) {
    console.error(describeStartFailure(error));
    if (error instanceof ConfigError) {
      console.error(configHint(envFile));
    }
    process.exitCode = 1;
    return;
  }

  const secrets = secretsOf(config);
  const scrub = createSecretScrubber(secrets);
  const logger = createLogger({ level: config.logLevel, secrets });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

  let app: App | undefined;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    setTimeout(() => {
      logger.error('shutdown took longer than expected; exiting now');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    (app ? app.stop() : Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  try {
    app = await createApp(config, { logger });
    if (stopping) return void (await app.stop());
    await app.start();
  } catch (error) {
    console.error(scrub(describeStartFailure(error)));
    logger.debug({ err: error }, 'start failed');
    await app?.stop().catch(() => undefined);
    process.exit(1);
  }
}

void main();
