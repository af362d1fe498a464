import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { stat } from 'node:fs/promises';
import { join, normalize, sep } from 'node:path';
import { Public } from '#platform';

export const WEB_ASSETS_DIR = Symbol('web-assets-dir');

/** Vite names assets by content hash, so they never change under the same name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Collaboration governance tracker</title></head>
<body><main><h1>Collaboration governance tracker</h1>
<p>The API is running, but the web page has not been built.</p>
<p>Build it with <code>npm run build:web</code> (or start the service with <code>npm start</code>, which builds it), then reload this page.</p>
<p>The API itself is described at <a href="/docs">/docs</a>.</p></main></body></html>`;

/**
 * The web page for officers and auditors: index.html at `/` and its hashed files under `/assets/`.
 * The page routes in the URL's fragment (`/#/agreements/zephyr`), because its page names are the
 * API's own paths: history routing would need a fallback that shadows `GET /agreements/:id`. So no
 * other path is served here and no API route, `/docs` or `/health` can be shadowed.
 */
@ApiExcludeController()
@Public()
@Controller()
export class WebController {
  constructor(@Inject(WEB_ASSETS_DIR) private readonly dir: string) {}

  @Get()
  async index(@Res() response: Response): Promise<void> {
    const file = join(this.dir, 'index.html');
    response.setHeader('Cache-Control', 'no-cache');
    if (!(await isFile(file))) {
      response.status(200).type('html').send(NOT_BUILT);
      return;
    }
    response.sendFile(file);
  }

  @Get('assets/*path')
  async asset(@Param('path') path: string | string[], @Res() response: Response): Promise<void> {
    const relative = normalize(Array.isArray(path) ? path.join('/') : path);
    const root = join(this.dir, 'assets');
    const file = join(root, relative);
    if (relative.startsWith('..') || !file.startsWith(root + sep) || !(await isFile(file))) {
      throw new NotFoundException(`There is no asset ${relative}.`);
    }
    response.setHeader('Cache-Control', IMMUTABLE);
    response.sendFile(file);
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
