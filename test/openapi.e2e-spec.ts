import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestLedger, TestLedger } from './ledger-app';

const root = join(__dirname, '..');

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

/** `redocly lint` with the repository's redocly.yaml over a document on disk. */
async function lint(documentPath: string): Promise<LintProblem[]> {
  const run = await promisify(execFile)(
    join(root, 'node_modules/.bin/redocly'),
    ['lint', documentPath, '--config', join(root, 'redocly.yaml'), '--format', 'json'],
    { cwd: root, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
  ).catch((failed: { stdout?: string }) => ({ stdout: failed.stdout ?? '' }));
  return (JSON.parse(run.stdout) as { problems: LintProblem[] }).problems;
}

describe('the OpenAPI document (/docs-json)', () => {
  let ledger: TestLedger;
  let directory: string;
  let document: any;

  beforeAll(async () => {
    ledger = await startTestLedger();
    directory = await mkdtemp(join(tmpdir(), 'ledger-openapi-'));
    document = await (await fetch(`${ledger.baseUrl}/docs-json`)).json();
  });
  afterAll(async () => {
    await ledger?.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('passes the Redocly linter with no errors and no warnings beyond the health probes', async () => {
    const path = join(directory, 'openapi.json');
    await writeFile(path, JSON.stringify(document));
    const problems = await lint(path);
    const describe = (problem: LintProblem) =>
      `${problem.severity} ${problem.ruleId} at ${problem.location[0]?.pointer}: ${problem.message}`;
    expect(problems.filter((problem) => problem.severity === 'error').map(describe)).toEqual([]);
    // The only warnings: the health probes have no 4xx to document (readiness answers 503).
    const expected = (problem: LintProblem) =>
      problem.ruleId === 'operation-4xx-response' &&
      /^#\/paths\/~1health(~1ready)?\/get\//.test(problem.location[0]?.pointer ?? '');
    expect(problems.filter((problem) => problem.severity === 'warn' && !expected(problem)).map(describe)).toEqual([]);
  }, 180_000);

  it('names every operation uniquely and documents its success schema and its error responses', () => {
    const operations = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(
      ([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({
          route: `${method.toUpperCase()} ${path}`,
          ...operation,
        })),
    );
    const ids = operations.map((operation) => operation.operationId);
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    // Liveness has no error to give: the process answers, or nothing does.
    const mayFail = (route: string) => route !== 'GET /health';
    const undocumented = operations.flatMap((operation) => {
      const responses = Object.entries(operation.responses as Record<string, any>);
      const success = responses.find(([status]) => status.startsWith('2'));
      const problems = [
        !success && 'no success response',
        success && success[0] !== '204' && !success[1].content && 'no success schema',
        mayFail(operation.route) && !responses.some(([status]) => /^[45]/.test(status)) && 'no error response',
        responses.some(([status, response]) => /^[45]/.test(status) && !response.content) &&
          'an error without its shape',
      ].filter(Boolean);
      return problems.length ? [`${operation.route}: ${problems.join(', ')}`] : [];
    });
    expect(undocumented).toEqual([]);
  });
});
