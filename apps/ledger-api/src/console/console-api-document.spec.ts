import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONSOLE_API_DOCUMENT_PATH, consoleApiDocument } from './console-api-document';

describe("the console's generated API client", () => {
  it('is generated from the current OpenAPI document (else run npm run console:api and commit)', async () => {
    const committed = readFileSync(join(__dirname, '../../../..', CONSOLE_API_DOCUMENT_PATH), 'utf8');
    expect(JSON.parse(committed)).toEqual(JSON.parse(await consoleApiDocument()));
  });
});
