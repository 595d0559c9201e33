import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { FileCrypto } from './file-crypto';
import { PiiCrypto } from './pii-crypto';

@Global()
@Module({
  providers: [
    {
      provide: PiiCrypto,
      inject: [AppConfig],
      useFactory: (c: AppConfig) => new PiiCrypto(c.PII_KEY!, c.PII_KEY_ID, c.PII_PREVIOUS_KEYS),
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
