import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';
import { isCalendarDate } from '@phananh/core';

/** A real calendar date written YYYY-MM-DD (code `calendarDate`). */
export const IsCalendarDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'calendarDate',
      validator: { validate: (v: unknown) => typeof v === 'string' && isCalendarDate(v) },
    },
    options,
  );

/** Text kept as typed, in Unicode NFC, so that "Nguyễn" typed on any keyboard is stored and compared alike. */
export const Nfc = () => Transform(({ value }) => (typeof value === 'string' ? value.normalize('NFC') : value));

/** Removes the spaces people type inside numbers ("001 090 012345"). */
export const WithoutSpaces = () =>
  Transform(({ value }) => (typeof value === 'string' ? value.replace(/\s/g, '') : value));

/** An optional field sent empty (as web forms do) counts as absent. */
export const EmptyAsAbsent = () => Transform(({ value }) => (value === '' ? undefined : value));
