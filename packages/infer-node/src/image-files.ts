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
 * Decodes an image file to 8-bit RGBA with sharp, whatever its format or channels; the shared
 * preprocessing then composites transparency and detects the polarity itself.
 */
export async function readImageFile(file: string): Promise<DigitImage & { data: Uint8Array; channels: 4 }> {
  try {
    const { data, info } = await sharp(file).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels, expected 4`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels: 4 };
  } catch (error) {
    throw new ImageFileError(file, `cannot decode the image (${(error as Error).message.split('\n')[0]})`, { cause: error });
  }
}
