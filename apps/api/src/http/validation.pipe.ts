import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { VALIDATOR_OPTIONS, depthError, nulCharacterError, toFieldErrors, validationError } from '@phananh/core';

/**
 * Refuses input nested too deeply before class-transformer recurses into it (a stack overflow
 * would be a 500), and any body, query or path string holding U+0000, which PostgreSQL would
 * refuse mid-query (a 500 too).
 */
class DepthCheckedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const refused =
      depthError(value) ?? (metadata.type === 'custom' ? undefined : nulCharacterError(value, metadata.data ?? ''));
    if (refused) throw refused;
    return super.transform(value, metadata);
  }
}

/** class-validator on every body and query; unknown fields are errors, reported with dotted paths. */
export function createValidationPipe(): ValidationPipe {
  return new DepthCheckedValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => validationError(toFieldErrors(errors)),
  });
}
