import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { FileCrypto } from './file-crypto';
import { PiiCrypto } from './pii-crypto';

/** The service's PiiCrypto: the PII key family and the blind-index key of the configuration. */
export function piiCryptoOf(c: AppConfig): PiiCrypto {
  return new PiiCrypto(c.PII_KEY, c.PII_KEY_ID, c.PII_PREVIOUS_KEYS, c.BLIND_INDEX_KEY);
}

@Global()
@Module({
  providers: [
    {
      provide: PiiCrypto,
      inject: [AppConfig],
      useFactory: piiCryptoOf,
    },
    {
      provide: FileCrypto,
      inject: [AppConfig],
      useFactory: (c: AppConfig) => new FileCrypto(c.PII_KEY!, c.PII_KEY_ID, c.PII_PREVIOUS_KEYS),
    },
  ],
  exports: [PiiCrypto, FileCrypto],
})
export class PiiModule {}
