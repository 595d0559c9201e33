import { ConfigError, loadConfig } from '@phananh/core';
import { prepareDatabase } from '@phananh/database';
import { PlatformOptions } from '@phananh/platform';
import { loadReferenceData } from '@phananh/reference';

/**
 * Start-up shared by every entry point: validate the environment (one line naming a bad
 * variable, never its value), create and migrate the database, load reference data, then start.
 */
export async function boot(start: (options: PlatformOptions) => Promise<void>): Promise<void> {
  try {
    const config = loadConfig();
    await prepareDatabase(config.DATABASE_URL, [loadReferenceData]);
    await start({ config });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`phananh: ${err.message}\n`);
    } else {
      process.stderr.write(`phananh: start-up failed: ${(err as Error).message}\n`);
    }
    process.exit(1);
  }
}
