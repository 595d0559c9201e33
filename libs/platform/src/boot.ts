import { INestApplicationContext } from '@nestjs/common';
import { AppConfig, ConfigError, loadConfig } from '@phananh/core';
import { prepareDatabase } from '@phananh/database';
import { loadReferenceData } from '@phananh/reference';
import { PlatformOptions } from './platform.module';
import { ShutdownState } from './shutdown-state';

/**
 * Start-up shared by every entry point: validate the environment (one line naming a bad
 * variable, never its value), create and migrate the database, load reference data, start,
 * and on SIGTERM/SIGINT stop gracefully: answer readiness 503 for SHUTDOWN_DRAIN_MS while
 * still serving, then stop accepting, finish in-flight requests and running jobs, close
 * connections, exit 0.
 */
export async function boot(start: (options: PlatformOptions) => Promise<INestApplicationContext>): Promise<void> {
  let app: INestApplicationContext;
  let config: AppConfig;
  try {
    config = loadConfig();
    await prepareDatabase(config.DATABASE_URL, [loadReferenceData]);
    app = await start({ config });
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : `start-up failed: ${(err as Error).message}`;
    process.stderr.write(`phananh: ${message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`phananh: ${signal} received, shutting down\n`);
    try {
      if (config.SHUTDOWN_DRAIN_MS > 0) {
        app.get(ShutdownState).draining = true;
        await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DRAIN_MS));
      }
      await app.close();
      process.exit(0);
    } catch (err) {
      process.stderr.write(`phananh: shutdown failed: ${(err as Error).message}\n`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', (s) => void stop(s));
  process.once('SIGINT', (s) => void stop(s));
}
