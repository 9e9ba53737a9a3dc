import sharp from 'sharp';
import { LRUCache } from 'lru-cache';
import { cachedPromise } from '../shared/promise-cache.js';

/**
 * A short code (a pairing code, a passkey confirmation code) drawn large on a white PNG, for the live message's
 * photo. Drawn from a built-in 5x7 dot font, so it needs no system fonts (servers often have none).
 */

const GLYPHS: Readonly<Record<string, string>> = {
  '0': '.###.#...##..###.#.###..##...#.###.',
  '1': '..#...##....#....#....#....#...###.',
  '2': '.###.#...#....#...#...#...#...#####',
  '3': '#####...#...#.....#.....##...#.###.',
  '4': '...#...##..#.#.#..#.#####...#....#.',
  '5': '######....####.....#....##...#.###.',
  '6': '..##..#...#....####.#...##...#.###.',
  '7': '#####....#...#...#...#....#....#...',
  '8': '.###.#...##...#.###.#...##...#.###.',
  '9': '.###.#...##...#.####....#...#..##..',
  A: '.###.#...##...#######...##...##...#',
  B: '####.#...##...#####.#...##...#####.',
  C: '.###.#...##....#....#....#...#.###.',
  D: '###..#..#.#...##...##...##..#.###..',
  E: '######....#....####.#....#....#####',
  F: '######....#....####.#....#....#....',
  G: '.###.#...##....#.####...##...#.####',
  H: '#...##...##...#######...##...##...#',
  I: '.###...#....#....#....#....#...###.',
  J: '..###...#....#....#....#.#..#..##..',
  K: '#...##..#.#.#..##...#.#..#..#.#...#',
  L: '#....#....#....#....#....#....#####',
  M: '#...###.###.#.##.#.##...##...##...#',
  N: '#...##...###..##.#.##..###...##...#',
  O: '.###.#...##...##...##...##...#.###.',
  P: '####.#...##...#####.#....#....#....',
  Q: '.###.#...##...##...##.#.##..#..##.#',
  R: '####.#...##...#####.#.#..#..#.#...#',
  S: '.#####....#.....###.....#....#####.',
  T: '#####..#....#....#....#....#....#..',
  U: '#...##...##...##...##...##...#.###.',
  V: '#...##...##...##...##...#.#.#...#..',
  W: '#...##...##...##.#.##.#.##.#.#.#.#.',
  X: '#...##...#.#.#...#...#.#.#...##...#',
  Y: '#...##...#.#.#...#....#....#....#..',
  Z: '#####....#...#...#...#...#....#####',
  '-': '...............#####...............',
};

const COLS = 5;
const ROWS = 7;
/** Pixels per dot: a 9-character code is about 650 px wide, readable on a phone at a glance. */
const DOT_PX = 12;
const MARGIN_PX = 48;
const cache = new LRUCache<string, Promise<Buffer>>({ max: 256 });

/** True for the characters the font can draw (others are left blank). */
export function isDrawable(char: string): boolean {
  return GLYPHS[char] !== undefined;
}

/** The PNG of `code` (upper-cased), cached per code; callers must not mutate the returned buffer. */
export function renderCodeTextPng(code: string): Promise<Buffer> {
  const text = code.toUpperCase().slice(0, 16);
  return cachedPromise<string, Buffer>(cache, text, () => draw(text));
}

function draw(text: string): Promise<Buffer> {
  const cell = (COLS + 1) * DOT_PX;
  const width = Math.max(text.length * cell - DOT_PX, cell) + 2 * MARGIN_PX;
  const height = ROWS * DOT_PX + 2 * MARGIN_PX;
  const rects: string[] = [];
  [...text].forEach((char, index) => {
    const glyph = GLYPHS[char];
    if (glyph === undefined) return;
    for (let dot = 0; dot < COLS * ROWS; dot += 1) {
      if (glyph[dot] !== '#') continue;
      const x = MARGIN_PX + index * cell + (dot % COLS) * DOT_PX;
      const y = MARGIN_PX + Math.floor(dot / COLS) * DOT_PX;
      rects.push(`<rect x="${x}" y="${y}" width="${DOT_PX}" height="${DOT_PX}"/>`);
    }
  });
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<rect width="${width}" height="${height}" fill="#ffffff"/><g fill="#1b1f24">${rects.join('')}</g></svg>`;
  return sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer();
}
