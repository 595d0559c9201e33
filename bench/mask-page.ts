import { PiiCrypto } from '@phananh/core';
import { round } from './stats';

/** ms of CPU to decrypt what one queue page masks: the identity number and phone of 50 tickets. */
if (require.main === module) {
  const pii = new PiiCrypto('11'.repeat(32));
  const sealed = Array.from({ length: 100 }, (_, i) => pii.encrypt(`0010901234${String(i).padStart(2, '0')}`));
  for (let r = 0; r < 5; r++) {
    const started = performance.now();
    for (let k = 0; k < 100; k++) for (const s of sealed) pii.decrypt(s);
    console.log(JSON.stringify({ round: r, msPerPage: round((performance.now() - started) / 100, 2) }));
  }
}
