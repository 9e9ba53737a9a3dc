import sharp from 'sharp';
import { cachedPromise } from '../shared/promise-cache.js';

/** Which state a placeholder image stands for (shown in the live message instead of a code). */
export type PlaceholderKind = 'connected' | 'expired' | 'cancelled' | 'waiting' | 'passkey';

/** Width and height of every placeholder, in pixels. */
export const PLACEHOLDER_SIZE_PX = 512;

const BACKGROUND = '<rect width="512" height="512" fill="#ffffff"/>';

// Plain shapes only: nothing here may look like a scannable code.
const SHAPES: Readonly<Record<PlaceholderKind, string>> = {
  connected:
    '<circle cx="256" cy="256" r="180" fill="#2e9e5b"/>' +
    '<polyline points="170,262 233,325 350,195" fill="none" stroke="#ffffff" stroke-width="40" stroke-linecap="round" stroke-linejoin="round"/>',
  expired:
    '<circle cx="256" cy="256" r="170" fill="none" stroke="#8a8f98" stroke-width="32"/>' +
    '<polyline points="256,150 256,256 330,300" fill="none" stroke="#8a8f98" stroke-width="32" stroke-linecap="round" stroke-linejoin="round"/>',
  cancelled:
    '<circle cx="256" cy="256" r="170" fill="none" stroke="#c8453b" stroke-width="32"/>' +
    '<line x1="136" y1="376" x2="376" y2="136" stroke="#c8453b" stroke-width="32" stroke-linecap="round"/>',
  passkey:
    '<circle cx="190" cy="256" r="80" fill="none" stroke="#b7862a" stroke-width="32"/>' +
    '<line x1="268" y1="256" x2="420" y2="256" stroke="#b7862a" stroke-width="32" stroke-linecap="round"/>' +
    '<line x1="380" y1="256" x2="380" y2="318" stroke="#b7862a" stroke-width="28" stroke-linecap="round"/>',
  waiting:
    '<circle cx="156" cy="256" r="36" fill="#4a7fc1"/>' +
    '<circle cx="256" cy="256" r="36" fill="#4a7fc1" fill-opacity="0.7"/>' +
    '<circle cx="356" cy="256" r="36" fill="#4a7fc1" fill-opacity="0.4"/>',
};

const cache = new Map<PlaceholderKind, Promise<Buffer>>();

/**
 * An opaque 512x512 PNG for a live message that shows no code (connected, expired, cancelled,
 * waiting for the first code): simple shapes, never anything a camera could scan.
 * Rendered once per kind and cached; callers must not mutate the returned buffer.
 */
export function renderPlaceholderPng(kind: PlaceholderKind): Promise<Buffer> {
  return cachedPromise(cache, kind, () => drawPlaceholder(kind));
}

function drawPlaceholder(kind: PlaceholderKind): Promise<Buffer> {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PLACEHOLDER_SIZE_PX}" height="${PLACEHOLDER_SIZE_PX}" viewBox="0 0 512 512">` +
    `${BACKGROUND}${SHAPES[kind]}</svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
}
