import { ValidationPipe } from '@nestjs/common';
import { VALIDATOR_OPTIONS, toFieldErrors, validationError } from '@phananh/core';

/** class-validator on every body and query; unknown fields are errors, reported with dotted paths. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...VALIDATOR_OPTIONS,
    transform: true,
    exceptionFactory: (errors) => validationError(toFieldErrors(errors)),
  });
}
