/** A QR code the gateway sent as an image, redrawn clean: flattened onto white, thresholded, re-sampled to its grid. */
import { decodeGreyscale, type GreyImage } from './decode.js';
import { MAX_INPUT_BYTES, MAX_INPUT_SIDE_PX, MIN_OUTPUT_WIDTH_PX, QrRenderError, QUIET_ZONE_MODULES } from './errors.js';
import { encodeBitmapPng, encodeModuleMatrix, PNG_SIGNATURE, type Bitmap } from './png.js';
import { darkBoundingBox, otsuThreshold, type Box } from './grey-measure.js';

export async function renderImageQr(bytes: Buffer): Promise<Buffer> {
  if (bytes.length === 0) throw new QrRenderError('not_image', 'QR image is empty');
  if (bytes.length > MAX_INPUT_BYTES) {
    throw new QrRenderError('too_large', `QR image is ${bytes.length} bytes (at most ${MAX_INPUT_BYTES})`);
  }
  if (!hasImageSignature(bytes)) {
    throw new QrRenderError('not_image', 'QR payload is not a PNG, JPEG, WebP or GIF image');
  }
  const grey = await decodeGreyscale(bytes);
  if (grey.width > MAX_INPUT_SIDE_PX || grey.height > MAX_INPUT_SIDE_PX) {
    throw new QrRenderError('too_large', `QR image is ${grey.width}x${grey.height} px (at most ${MAX_INPUT_SIDE_PX} px a side)`);
  }
  const threshold = otsuThreshold(grey.pixels);
  if (threshold === undefined) {
    throw new QrRenderError('unreadable', 'QR image has no contrast: it shows no code');
  }
  const box = darkBoundingBox(grey, threshold);
  if (box === undefined) {
    throw new QrRenderError('unreadable', 'QR image has no dark pixels: it shows no code');
  }
  const matrix = resampleModuleGrid(grey, threshold, box);
  if (matrix !== undefined) return encodeModuleMatrix(matrix);

  const crop = thresholdCrop(grey, threshold, box);
  const border = Math.ceil(QUIET_ZONE_MODULES * estimateModulePx(grey, threshold, box));
  const scale = Math.max(1, Math.ceil(MIN_OUTPUT_WIDTH_PX / (crop.width + 2 * border)));
  return encodeBitmapPng(crop, border, scale);
}

/** PNG, JPEG, WebP and GIF only: never hand sharp an SVG, PDF or TIFF from the network. */
function hasImageSignature(bytes: Buffer): boolean {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return true;
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return true;
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    return true;
  }
  return bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6));
}

/**
 * Finds the module grid of a clean, axis-aligned code filling `box` exactly: tries every QR size (and
 * the four right-angle turns) and keeps the first whose finder, separator and timing modules all
 * sample right. Returns the sampled matrix as it lies in the image, or undefined when no size fits
 * (skewed, framed or captioned images).
 */
function resampleModuleGrid(grey: GreyImage, threshold: number, box: Box): Bitmap | undefined {
  const boxWidth = box.right - box.left + 1;
  const boxHeight = box.bottom - box.top + 1;
  for (let version = 1; version <= 40; version += 1) {
    const size = 17 + 4 * version;
    const moduleWidth = boxWidth / size;
    const moduleHeight = boxHeight / size;
    if (moduleWidth < 1) break;
    if (Math.abs(boxWidth - boxHeight) > Math.min(moduleWidth, moduleHeight)) continue;
    const radius = Math.min(3, Math.floor(Math.min(moduleWidth, moduleHeight) / 4));
    const isDark = (row: number, col: number): boolean => {
      const cx = Math.floor(box.left + (col + 0.5) * moduleWidth);
      const cy = Math.floor(box.top + (row + 0.5) * moduleHeight);
      let sum = 0;
      let count = 0;
      for (let y = cy - radius; y <= cy + radius; y += 1) {
        for (let x = cx - radius; x <= cx + radius; x += 1) {
          sum += grey.pixels[y * grey.width + x] as number;
          count += 1;
        }
      }
      return sum < threshold * count;
    };
    const last = size - 1;
    const upright = [
      isDark,
      (row: number, col: number) => isDark(col, last - row),
      (row: number, col: number) => isDark(last - row, last - col),
      (row: number, col: number) => isDark(last - col, row),
    ].some((rotated) => hasFunctionPatterns(size, rotated));
    if (!upright) continue;
    const dark = new Uint8Array(size * size);
    for (let row = 0; row < size; row += 1) {
      for (let col = 0; col < size; col += 1) dark[row * size + col] = isDark(row, col) ? 1 : 0;
    }
    return { width: size, height: size, dark };
  }
  return undefined;
}

function hasFunctionPatterns(size: number, isDark: (row: number, col: number) => boolean): boolean {
  const corners = [
    [0, 0],
    [0, size - 7],
    [size - 7, 0],
  ] as const;
  for (const [top, left] of corners) {
    for (let r = -1; r <= 7; r += 1) {
      for (let c = -1; c <= 7; c += 1) {
        const row = top + r;
        const col = left + c;
        if (row < 0 || col < 0 || row >= size || col >= size) continue;
        const ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
        if (isDark(row, col) !== (ring !== 2 && ring !== 4)) return false;
      }
    }
  }
  for (let i = 8; i < size - 8; i += 1) {
    const expected = i % 2 === 0;
    if (isDark(6, i) !== expected || isDark(i, 6) !== expected) return false;
  }
  return true;
}

function thresholdCrop(grey: GreyImage, threshold: number, box: Box): Bitmap {
  const width = box.right - box.left + 1;
  const height = box.bottom - box.top + 1;
  const dark = new Uint8Array(width * height);
  for (let y = 0; y < height; y += 1) {
    const source = (box.top + y) * grey.width + box.left;
    for (let x = 0; x < width; x += 1) {
      dark[y * width + x] = (grey.pixels[source + x] as number) < threshold ? 1 : 0;
    }
  }
  return { width, height, dark };
}

/** Module size from the top-left finder's top edge (7 modules of dark), bounded to a sane range. */
function estimateModulePx(grey: GreyImage, threshold: number, box: Box): number {
  const boxWidth = box.right - box.left + 1;
  const row = box.top * grey.width;
  let run = 0;
  let x = box.left;
  while (x <= box.right && (grey.pixels[row + x] as number) >= threshold) x += 1;
  while (x <= box.right && (grey.pixels[row + x] as number) < threshold) {
    run += 1;
    x += 1;
  }
  return Math.min(Math.max(run / 7, 1), boxWidth / 21);
}
