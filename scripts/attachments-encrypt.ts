import { Client } from 'pg';
import { FileCrypto, loadConfig } from '@phananh/core';
import { LocalAttachmentStore, encryptStoredAttachments } from '@phananh/reports';

/**
 * `npm run attachments:encrypt`: seals (and, for images, strips of their metadata) every proof
 * file stored before files were sealed at rest. Reads the same environment as the service
 * (DATABASE_URL, ATTACHMENTS_DIR, PII_KEY, PII_KEY_ID, PII_PREVIOUS_KEYS). Resumable and
 * idempotent: stop it at any moment and run it again. Exits 1 when a file failed.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const store = new LocalAttachmentStore(
    config,
    new FileCrypto(config.PII_KEY!, config.PII_KEY_ID, config.PII_PREVIOUS_KEYS),
  );
  const client = new Client({ connectionString: config.DATABASE_URL });
  await client.connect();
  try {
    const summary = await encryptStoredAttachments({
      query: async (sql, params) => (await client.query(sql, params)).rows,
      store,
      log: (line) => console.log(line),
    });
    return summary.failed ? 1 : 0;
  } finally {
    await client.end();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
