/**
 * The GSM 03.38 default alphabet (7-bit) and its extension table: what one SMS segment holds
 * without switching to UCS-2 (70 characters). An extension character takes two septets.
 */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const EXTENSION = '^{}\\[~]|€\f';

export const GSM7_SEGMENT = 160;

/** Septets the text takes in GSM-7, or null when a character is outside the alphabet (the SMS would go as UCS-2). */
export function gsm7Septets(text: string): number | null {
  let n = 0;
  for (const ch of text) {
    if (BASIC.includes(ch)) n += 1;
    else if (EXTENSION.includes(ch)) n += 2;
    else return null;
  }
  return n;
}

/** True when the text is one plain GSM-7 segment (≤ 160 septets). */
export const fitsOneSegment = (text: string) => {
  const n = gsm7Septets(text);
  return n !== null && n <= GSM7_SEGMENT;
};

/**
 * Vietnamese without diacritics, as SMS are commonly sent ("Trạm Y tế Phường Phúc Xá" →
 * "Tram Y te Phuong Phuc Xa"), then anything still outside GSM-7 replaced by a space-free
 * fallback ('?'), so the text stays one GSM-7 segment's worth of characters.
 */
export function plainText(text: string): string {
  const ascii = text.replace(/đ/g, 'd').replace(/Đ/g, 'D').normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
  return [...ascii].map((ch) => (gsm7Septets(ch) === null ? '?' : ch)).join('');
}
