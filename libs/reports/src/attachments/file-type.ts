/** The attachment types a report accepts, judged from the first bytes, never from the name or declared type. */
export type AttachmentType = 'image/jpeg' | 'image/png' | 'application/pdf';

const SIGNATURES: { type: AttachmentType; bytes: number[] }[] = [
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
];

export function sniffAttachmentType(content: Buffer): AttachmentType | null {
  const hit = SIGNATURES.find((s) => content.length > s.bytes.length && s.bytes.every((b, i) => content[i] === b));
  return hit?.type ?? null;
}
