import { AppError, CommonErrors, FieldError, coreValidation, validationError } from '@phananh/core';

/** The multipart part that carries the report's JSON; files come in parts named `attachments`. */
export const REPORT_PART = 'report';
export const ATTACHMENTS_PART = 'attachments';

/**
 * The report inside a multipart body's text fields: exactly one field, `report`, holding
 * the same JSON as a plain JSON request. Anything else is an unknown field.
 */
export function reportFromMultipart(fields: Record<string, unknown> | undefined): unknown {
  const errors: FieldError[] = [];
  for (const name of Object.keys(fields ?? {})) {
    if (name !== REPORT_PART) errors.push(coreValidation.fieldError(name, 'unknownField'));
  }
  const text = fields?.[REPORT_PART];
  if (typeof text !== 'string') {
    errors.push(coreValidation.fieldError(REPORT_PART, 'isDefined'));
  }
  if (errors.length) throw validationError(errors);
  try {
    return JSON.parse(text as string);
  } catch {
    throw new AppError(CommonErrors.MALFORMED_JSON);
  }
}
