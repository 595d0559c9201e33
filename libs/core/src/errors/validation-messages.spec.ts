import { Logger } from '@nestjs/common';
import {
  coreValidation,
  registerValidationMessages,
  registeredValidationCodes,
  validationMessage,
} from './validation-messages';

describe('validation messages', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = nodeEnv;
    jest.restoreAllMocks();
  });

  it('answers a registered code in both languages, with the constraint arguments filled in', () => {
    expect(validationMessage('maxLength', [200])).toEqual({
      vi: 'Không được dài quá 200 ký tự',
      en: 'Must be at most 200 characters long',
    });
    expect(coreValidation.fieldError('cursor', 'CURSOR_INVALID')).toEqual({
      field: 'cursor',
      code: 'CURSOR_INVALID',
      message: { vi: 'Con trỏ trang không hợp lệ', en: 'Invalid page cursor' },
    });
  });

  it("registers a lib's codes and answers them through its typed catalogue, core's codes too", () => {
    const lib = registerValidationMessages({ SPEC_CODE: { vi: 'Mã thử', en: 'Spec code' } });
    expect(registeredValidationCodes().has('SPEC_CODE')).toBe(true);
    expect(lib.message('SPEC_CODE')).toEqual({ vi: 'Mã thử', en: 'Spec code' });
    expect(lib.fieldError('x', 'isDefined').message.en).toBe('This field is required');
  });

  it('accepts the same words registered twice, and refuses other words for a code already registered', () => {
    registerValidationMessages({ SPEC_TWICE: { vi: 'Một', en: 'One' } });
    expect(() => registerValidationMessages({ SPEC_TWICE: { vi: 'Một', en: 'One' } })).not.toThrow();
    expect(() => registerValidationMessages({ SPEC_TWICE: { vi: 'Hai', en: 'Two' } })).toThrow(
      'validation code SPEC_TWICE is registered twice, with different messages',
    );
    expect(validationMessage('SPEC_TWICE').en).toBe('One');
  });

  it('throws for an unregistered code outside production', () => {
    process.env.NODE_ENV = 'test';
    expect(() => validationMessage('neverRegistered')).toThrow(
      'validation code neverRegistered has no registered message',
    );
  });

  it('treats an unset NODE_ENV as production: the generic message, no exception', () => {
    delete process.env.NODE_ENV;
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(validationMessage('unknownWithoutNodeEnv')).toEqual({ vi: 'Giá trị không hợp lệ', en: 'Invalid value' });
  });

  it('in production answers the generic message for an unregistered code and logs the code once', () => {
    process.env.NODE_ENV = 'production';
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    expect(validationMessage('unknownInProduction')).toEqual({ vi: 'Giá trị không hợp lệ', en: 'Invalid value' });
    expect(validationMessage('unknownInProduction', ['0912345678'])).toEqual({
      vi: 'Giá trị không hợp lệ',
      en: 'Invalid value',
    });
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0][0]).toEqual({ code: 'unknownInProduction' });
    expect(JSON.stringify(error.mock.calls)).not.toContain('0912345678');
  });
});
