import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { AttachmentType } from './file-type';

// A server decodes many different images once each: libvips's operation cache would only hold memory.
sharp.cache(false);

/** An image with more pixels than this is refused before it is decoded (a "decompression bomb"). */
export const MAX_IMAGE_PIXELS = 50_000_000;

/** What a photo is re-encoded to: high-quality JPEG without chroma subsampling (red stamps, small print), lossless PNG. */
export const JPEG_QUALITY = 90;

const decoderErrors = new WeakSet<object>();

/**
 * The image as it will be stored: decoded and encoded again, so that nothing of the file
 * but its pixels survives. Turned upright by its EXIF orientation first, then written with
 * no metadata at all: no EXIF (GPS, camera, dates), no XMP, no IPTC, no comments, no ICC
 * profile (the colours are converted to sRGB). JPEG stays JPEG (quality 90, 4:4:4), PNG
 * stays PNG (lossless). An image the decoder refuses (not an image, damaged, truncated, more
 * than MAX_IMAGE_PIXELS) fails the stream with an error that `imageProblem` recognises.
 */
export function reencodeImage(input: string | Buffer, type: 'image/jpeg' | 'image/png'): Readable {
  const image = sharp(input, { failOn: 'error', limitInputPixels: MAX_IMAGE_PIXELS }).autoOrient();
  const out = type === 'image/jpeg' ? image.jpeg({ quality: JPEG_QUALITY, chromaSubsampling: '4:4:4' }) : image.png();
  // Registered before anyone pipes the stream, so the error is known as the decoder's when they see it.
  out.on('error', (err: Error) => decoderErrors.add(err));
  return out;
}

/** The content of a proof file as intake stores it: images re-encoded (above), PDFs as they came. */
export function proofContent(path: string, type: AttachmentType): Readable {
  return type === 'application/pdf' ? createReadStream(path) : reencodeImage(path, type);
}

/**
 * The validation code for an error of `reencodeImage`'s stream: `ATTACHMENT_IMAGE_TOO_LARGE`
 * for too many pixels, `ATTACHMENT_TYPE` for anything else it cannot decode; null for any
 * other error (a full disk is not the citizen's fault).
 */
export function imageProblem(err: unknown): 'ATTACHMENT_TYPE' | 'ATTACHMENT_IMAGE_TOO_LARGE' | null {
  if (typeof err !== 'object' || err === null || !decoderErrors.has(err)) return null;
  return /pixel limit/i.test((err as Error).message) ? 'ATTACHMENT_IMAGE_TOO_LARGE' : 'ATTACHMENT_TYPE';
}
