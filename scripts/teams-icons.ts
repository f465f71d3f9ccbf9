// Draws the Teams app's two icons, manifests/teams/color.png and outline.png, from the shapes
// below: `npm run teams:icons` writes them again. The PNGs are committed; the package script only
// copies them. Nothing is downloaded: every pixel comes from this file.
//
// Teams asks for a 192×192 full-colour icon and a 32×32 outline icon, white on transparent
// (learn.microsoft.com/microsoftteams/platform/concepts/build-and-test/apps-package).
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';

export const COLOR_SIZE = 192;
export const OUTLINE_SIZE = 32;

type Rgb = readonly [number, number, number];

/** The manifest's accentColor, #1D3557, behind the bubble; and the lines of the ticket on it. */
const NAVY: Rgb = [0x1d, 0x35, 0x57];
const WHITE: Rgb = [0xff, 0xff, 0xff];
const RED: Rgb = [0xe6, 0x39, 0x46];

/** Samples per pixel side: each pixel's coverage is the share of 8×8 points inside the shape. */
const SAMPLES = 8;

/** A shape in the unit square (0,0 top left, 1,1 bottom right): is the point inside. */
type Shape = (x: number, y: number) => boolean;

function roundedRect(left: number, top: number, right: number, bottom: number, radius: number): Shape {
  return (x, y) => {
    if (x < left || x > right || y < top || y > bottom) return false;
    const dx = Math.max(left + radius - x, 0, x - (right - radius));
    const dy = Math.max(top + radius - y, 0, y - (bottom - radius));
    return dx * dx + dy * dy <= radius * radius;
  };
}

function triangle(a: [number, number], b: [number, number], c: [number, number]): Shape {
  const side = (p: [number, number], q: [number, number], x: number, y: number) =>
    (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
  return (x, y) => {
    const s1 = side(a, b, x, y);
    const s2 = side(b, c, x, y);
    const s3 = side(c, a, x, y);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };
}

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((shape) => shape(x, y));

/** A speech bubble: a rounded box with its tail at the bottom left. */
const BUBBLE = union(
  roundedRect(0.16, 0.2, 0.84, 0.68, 0.1),
  triangle([0.26, 0.6], [0.46, 0.6], [0.22, 0.84]),
);

/** The ticket's lines in the bubble, centred in its box: a short title line over a longer one. */
function ticketLines(thickness: number, gap: number): { title: Shape; body: Shape } {
  const top = 0.44 - (2 * thickness + gap) / 2;
  const line = (lineTop: number, right: number) =>
    roundedRect(0.28, lineTop, right, lineTop + thickness, thickness / 2);
  return { title: line(top, 0.58), body: line(top + thickness + gap, 0.72) };
}

function coverage(shape: Shape, px: number, py: number, size: number): number {
  let inside = 0;
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      if (shape((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)) inside++;
    }
  }
  return inside / (SAMPLES * SAMPLES);
}

const mix = (under: Rgb, over: Rgb, amount: number): Rgb =>
  [0, 1, 2].map((i) => Math.round(under[i]! + (over[i]! - under[i]!) * amount)) as unknown as Rgb;

/** 192×192, opaque: a white bubble on navy, the ticket's title line red and its body line navy. */
export function drawColorIcon(size = COLOR_SIZE): PNG {
  const png = new PNG({ width: size, height: size });
  const lines = ticketLines(0.07, 0.07);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let rgb = mix(NAVY, WHITE, coverage(BUBBLE, x, y, size));
      rgb = mix(rgb, RED, coverage(lines.title, x, y, size));
      rgb = mix(rgb, NAVY, coverage(lines.body, x, y, size));
      const at = (y * size + x) * 4;
      png.data[at] = rgb[0];
      png.data[at + 1] = rgb[1];
      png.data[at + 2] = rgb[2];
      png.data[at + 3] = 255;
    }
  }
  return png;
}

/**
 * 32×32: the bubble in white, its ticket lines cut out, everything else transparent. Every pixel
 * is white; only its alpha varies (the shape's coverage of the pixel), as Teams requires.
 */
export function drawOutlineIcon(size = OUTLINE_SIZE): PNG {
  const png = new PNG({ width: size, height: size });
  const lines = ticketLines(0.1, 0.07);
  const shape: Shape = (x, y) => BUBBLE(x, y) && !lines.title(x, y) && !lines.body(x, y);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const at = (y * size + x) * 4;
      png.data[at] = 255;
      png.data[at + 1] = 255;
      png.data[at + 2] = 255;
      png.data[at + 3] = Math.round(255 * coverage(shape, x, y, size));
    }
  }
  return png;
}

export const ICONS_DIR = new URL('../manifests/teams/', import.meta.url);

/** Writes both icons into manifests/teams/ (or `dir`). */
export function writeIcons(dir: URL = ICONS_DIR): void {
  writeFileSync(new URL('color.png', dir), PNG.sync.write(drawColorIcon(), { colorType: 6 }));
  writeFileSync(new URL('outline.png', dir), PNG.sync.write(drawOutlineIcon(), { colorType: 6 }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeIcons();
  console.log(`wrote color.png and outline.png in ${fileURLToPath(ICONS_DIR)}`);
}
