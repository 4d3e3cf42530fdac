import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DigitImage } from '@mnist-onnx/mnist';
import sharp from 'sharp';
import { ImageFileError } from './errors.js';

/** Extensions taken from folders (sharp decodes these without extra libraries). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.tif', '.tiff', '.avif'];

/**
 * Expands the paths given to --images: files stay as they are (whatever their extension),
 * folders contribute their image files, sorted by name. A missing path or a folder with no
 * images is an error, so a typo cannot go unnoticed.
 */
export async function expandImagePaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ImageFileError(path, code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code ?? String(error)})`, { cause: error });
    }
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((name) => IMAGE_EXTENSIONS.includes(extname(name).toLowerCase())).sort();
    if (names.length === 0) throw new ImageFileError(path, `folder holds no images (${IMAGE_EXTENSIONS.join(' ')})`);
    files.push(...names.map((name) => join(path, name)));
  }
  return files;
}

/**
 * The longest side an image is decoded to. The digit ends up 20 px tall, so 1024 px leaves
 * room for a small digit in a large photo, while a 10000×10000 scan never sits in memory at
 * full size: libvips shrinks it as it decodes (JPEG and WebP at the decoder itself, PNG row by
 * row), so one image costs at most 1024² × 4 bytes of RGBA, whatever the file's size.
 */
export const MAX_DECODED_SIDE = 1024;

// libvips' operation cache would keep recently decoded images alive: every file here is read once.
sharp.cache(false);

/** A decoded image, at most MAX_DECODED_SIDE on its longest side, with the file's own size. */
export interface DecodedImage extends DigitImage {
  data: Uint8Array;
  channels: 4;
  /** The image's size as the file holds it, upright (after its EXIF orientation). */
  fileWidth: number;
  fileHeight: number;
}

/**
 * Decodes an image file to 8-bit RGBA with sharp, whatever its format or channels: turned
 * upright as its EXIF orientation says (phone photos store every one of the 8), shrunk while
 * decoding to at most MAX_DECODED_SIDE. The shared preprocessing then composites transparency
 * and detects the polarity itself.
 */
export async function readImageFile(file: string): Promise<DecodedImage> {
  try {
    const image = sharp(file, { sequentialRead: true });
    const meta = await image.metadata();
    const upright = meta.autoOrient ?? { width: meta.width, height: meta.height };
    const { data, info } = await image
      .autoOrient()
      .resize({ width: MAX_DECODED_SIDE, height: MAX_DECODED_SIDE, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels, expected 4`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: 4,
      fileWidth: upright.width ?? info.width,
      fileHeight: upright.height ?? info.height,
    };
  } catch (error) {
    throw new ImageFileError(file, `cannot decode the image (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
}
