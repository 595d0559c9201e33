import sharp from 'sharp';

/** Text that the photos' EXIF carries, to look for in stored and served bytes. */
export const EXIF_CAMERA = 'PhananhCam-X1';
export const EXIF_GPS_DATUM = 'PHANANH-GPS-DATUM';

export interface PhotoOptions {
  width?: number;
  height?: number;
  /** EXIF orientation (1–8): 6 is a phone held upright, the pixels stored sideways. */
  orientation?: number;
}

/**
 * A photo as a phone sends it: real JPEG or PNG pixels (a paper-white page with a red stamp
 * at its top left) and EXIF naming the camera and where it was taken (GPS latitude,
 * longitude and a datum readable as text). Made here, so that no binary fixture is kept.
 */
export async function exifPhoto(format: 'jpeg' | 'png', options: PhotoOptions = {}): Promise<Buffer> {
  const { width = 64, height = 48, orientation } = options;
  let image = sharp({ create: { width, height, channels: 3, background: '#f4f1e8' } })
    .composite([
      {
        input: {
          create: { width: Math.ceil(width / 4), height: Math.ceil(height / 4), channels: 3, background: '#c81e1e' },
        },
        left: 0,
        top: 0,
      },
    ])
    .withExif({
      IFD0: { Make: EXIF_CAMERA, Model: 'Proof', Software: 'phananh-test' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '21/1 1/1 42/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '105/1 51/1 0/1',
        GPSMapDatum: EXIF_GPS_DATUM,
      },
    });
  if (orientation) image = image.withMetadata({ orientation });
  return format === 'jpeg' ? image.jpeg({ quality: 95 }).toBuffer() : image.png().toBuffer();
}

/** What sharp reads of an image (rejects when it is not one). */
export function imageMetadata(content: Buffer): Promise<sharp.Metadata> {
  return sharp(content).metadata();
}
