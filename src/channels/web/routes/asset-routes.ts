import { readFileSync } from 'node:fs';
import type { WebRoute } from '../web-request.ts';

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/** The web desk's own files, shipped in the package: nothing is fetched from anywhere else. */
const ASSETS = ['desk.css', 'desk.js'];

export function assetRoutes(): WebRoute {
  const files = new Map(
    ASSETS.map((name) => [name, readFileSync(new URL(`../assets/${name}`, import.meta.url))]),
  );
  return async (request) => {
    const name = /^\/web\/assets\/([a-z-]+\.[a-z]+)$/.exec(request.path)?.[1];
    if (!request.path.startsWith('/web/assets/')) return undefined;
    const content = name ? files.get(name) : undefined;
    if (!content || (request.method !== 'GET' && request.method !== 'HEAD')) {
      return { status: 404, json: { error: { code: 'notFound', message: 'no such file' } } };
    }
    return { status: 200, asset: { type: TYPES[name!.split('.').pop()!]!, content } };
  };
}
