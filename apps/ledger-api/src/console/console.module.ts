import { DynamicModule, Logger, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the API answers itself: these paths never fall back to the console's index.html. */
const API_PATHS = [
  '/api/{*path}',
  '/health/{*path}',
  '/metrics/{*path}',
  '/docs/{*path}',
  '/docs-json',
  '/webhooks/{*path}',
];

/**
 * The repository (or image) root: the nearest folder above this file holding package.json. The
 * same from the sources (tests) and from dist/ (npm start, the Docker image).
 */
function projectRoot(from: string): string {
  let folder = from;
  while (!existsSync(join(folder, 'package.json')) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/** The built console (`npm run build:console` writes it to dist/console). */
export function consoleDirectory(): string {
  return join(projectRoot(__dirname), 'dist', 'console');
}

/**
 * The web console at `/`: its files as they are, and index.html for any other path outside the
 * API, so the browser's router owns them. Without a build the API runs alone.
 */
@Module({})
export class ConsoleModule {
  static forRoot(rootPath = consoleDirectory()): DynamicModule {
    if (!existsSync(join(rootPath, 'index.html'))) {
      new Logger('Console').warn(`No web console at ${rootPath}: run "npm run build:console" to serve it at /`);
      return { module: ConsoleModule };
    }
    return {
      module: ConsoleModule,
      imports: [ServeStaticModule.forRoot({ rootPath, exclude: API_PATHS, serveStaticOptions: { index: false } })],
    };
  }
}
