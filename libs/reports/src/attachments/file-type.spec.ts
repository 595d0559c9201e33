import { sniffAttachmentType } from './file-type';

const bytes = (...b: number[]) => Buffer.from(b);

describe('sniffAttachmentType', () => {
  it('recognises JPEG, PNG and PDF from their first bytes', () => {
    expect(sniffAttachmentType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe('image/jpeg');
    expect(sniffAttachmentType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d))).toBe('image/png');
    expect(sniffAttachmentType(Buffer.from('%PDF-1.4\n%âãÏÓ\n'))).toBe('application/pdf');
  });

  it('refuses anything else, however it is named', () => {
    expect(sniffAttachmentType(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
    expect(sniffAttachmentType(Buffer.from('GIF89a\x01\x00'))).toBeNull();
    expect(sniffAttachmentType(Buffer.from('PK\x03\x04 a zip or docx'))).toBeNull();
    expect(sniffAttachmentType(Buffer.from(' %PDF-1.4'))).toBeNull();
    expect(sniffAttachmentType(Buffer.alloc(0))).toBeNull();
  });

  it('refuses a file that is only the signature', () => {
    expect(sniffAttachmentType(bytes(0xff, 0xd8, 0xff))).toBeNull();
    expect(sniffAttachmentType(Buffer.from('%PDF-'))).toBeNull();
  });
});
