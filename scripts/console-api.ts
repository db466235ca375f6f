// Writes the API's OpenAPI document for the console (npm run console:api then generates schema.d.ts
// from it with openapi-typescript). Run from the repository root.
import { writeFileSync } from 'node:fs';
import { CONSOLE_API_DOCUMENT_PATH, consoleApiDocument } from '../apps/ledger-api/src/console/console-api-document';

consoleApiDocument().then(
  (document) => {
    writeFileSync(CONSOLE_API_DOCUMENT_PATH, document);
    console.log(`wrote ${CONSOLE_API_DOCUMENT_PATH}`);
    process.exit(0);
  },
  (error: Error) => {
    console.error(`could not build the OpenAPI document: ${error.message}`);
    process.exit(1);
  },
);
