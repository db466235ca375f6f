import { DynamicModule, Inject, Injectable, Logger, Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathOf } from '../http/request-body';

/** Where the API answers itself: these paths never fall back to the console's index.html. */
const API_PATHS = /^\/(?:(?:api|health|metrics|docs|webhooks)(?:\/.*)?|docs-json)$/i;
const CONSOLE_ROOT = Symbol('CONSOLE_ROOT');

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

/** The console's files as they are, and index.html for any other GET outside the API. */
@Injectable()
class ConsoleFiles implements OnModuleInit {
  constructor(
    @Inject(CONSOLE_ROOT) private readonly root: string,
    private readonly http: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const fastify = this.http.httpAdapter.getInstance<FastifyInstance>();
    // A route per file of the build (no wildcard), so that any other path comes to the fallback below.
    void fastify.register(fastifyStatic, { root: this.root, wildcard: false, index: false });
    fastify.get('/*', (request: FastifyRequest, reply: FastifyReply) =>
      API_PATHS.test(pathOf(request.url)) ? reply.callNotFound() : reply.sendFile('index.html'),
    );
  }
}

@Module({})
class ConsoleFilesModule {}

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
      imports: [
        {
          module: ConsoleFilesModule,
          providers: [{ provide: CONSOLE_ROOT, useValue: rootPath }, ConsoleFiles],
        },
      ],
    };
  }
}
