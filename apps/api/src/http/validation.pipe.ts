import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { VALIDATOR_OPTIONS, depthError, toFieldErrors, validationError } from '@phananh/core';

/** Refuses input nested too deeply before class-transformer recurses into it (a stack overflow would be a 500). */
class DepthCheckedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const deep = depthError(value);
    if (deep) throw deep;
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
