/**
 * The web page in a real browser (Debian's Chromium through playwright-core) against a real service
 * process (`node dist/main.js`) following real containers: lines appear live; the level filter and the
 * search narrow them; pause counts what arrives; a history search finds a line that only the disk
 * still has (MAX_LOG_BUFFER=100) and "load older" pages through next_cursor; the error panel counts a
 * fresh error; it fits 375 px and follows the system's dark or light scheme; with API_TOKEN the page asks for the token and refuses a wrong one. With
 * UI_SCREENSHOT=<file> the first test also saves a screenshot of the main view there (the README's).
 */
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { removeTestContainers, requireEngine, runContainer, waitFor } from '../rig/rig-client.js';
import { uniquePrefix } from '../support/collect-helpers.js';
import { request } from '../support/http-client.js';
import { freePort, spawnService, waitForStatus, type ServiceProcess } from '../support/service-process.js';
import { stopChild } from '../support/child-process.js';

const test = suite('ui page in a browser');
let proc: ServiceProcess | undefined;
let browser: TestBrowser | undefined;

/** Starts `node dist/main.js` on an ephemeral port, following only containers named `<prefix>*`. */
async function startService(prefix: string, env: Record<string, string> = {}): Promise<number> {
  const port = await freePort();
  proc = spawnService(process.execPath, ['dist/main.js'], {
    DOCKER_HOST: process.env.DOCKER_HOST!,
    LOG_AGGREGATOR_PORT: String(port),
    LOG_AGGREGATOR_HOST: '127.0.0.1',
    INCLUDE_CONTAINERS: `${prefix}*`,
    ...env,
  });
  await waitForStatus(port, '/health/live', 200, Date.now(), 30_000).catch((e: Error) => {
    throw new Error(`${e.message}\n${proc?.stderr()}`);
  });
  return port;
}

async function openPage(port: string | number, query = '', width = 1280, height = 760, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  browser ??= await launchBrowser('ui page tests');
  const page = await browser!.browser.newPage({ viewport: { width, height }, colorScheme });
  page.on('pageerror', (e) => process.stdout.write(`[page error] ${e.message}\n`));
  await page.goto(`http://127.0.0.1:${port}/${query}`);
  return page;
}

/** The messages of the rows in the DOM (recycled rows are hidden). */
function rows(page: Page): Promise<{ msg: string; cls: string }[]> {
  return page.$$eval('.list .row', (els) => els.filter((e) => (e as unknown as { style: { display: string } }).style.display !== 'none').map((e) => ({ msg: e.querySelector('.msg')?.textContent ?? '', cls: e.className })));
}

async function waitRows(page: Page, what: string, ok: (r: { msg: string; cls: string }[]) => boolean, timeoutMs = 20_000): Promise<{ msg: string; cls: string }[]> {
  return waitFor(async () => {
    const r = await rows(page);
    return ok(r) ? r : undefined;
  }, { timeoutMs, what });
}

const count = async (page: Page): Promise<number> => Number(await page.getAttribute('.list', 'data-count'));

/** A JSON-logging API (every fifth line an error with fields) and a logfmt worker with warnings and a Python traceback now and then. */
async function runApps(prefix: string): Promise<void> {
  await runContainer({
    name: `${prefix}-api-1`,
    labels: { 'com.docker.compose.service': `${prefix}-api` },
    script:
      'i=0; while true; do i=$((i+1)); echo "{\\"level\\":\\"info\\",\\"msg\\":\\"GET /users/$i 200\\",\\"duration_ms\\":$((i%50)),\\"user\\":\\"u$((i%7))\\"}"; ' +
      'if [ $((i%5)) = 0 ]; then echo "{\\"level\\":\\"error\\",\\"msg\\":\\"payment $i declined\\",\\"code\\":\\"E42\\",\\"order\\":$i}"; fi; usleep 150000; done',
  });
  await runContainer({
    name: `${prefix}-worker-1`,
    labels: { 'com.docker.compose.service': `${prefix}-worker` },
    script:
      'i=0; while true; do i=$((i+1)); echo "level=info msg=\\"job $i alpha done\\" queue=default"; ' +
      'if [ $((i%4)) = 0 ]; then echo "level=warning msg=\\"queue depth $i beta\\""; fi; ' +
      'if [ $((i%9)) = 0 ]; then printf \'Traceback (most recent call last):\\n  File "worker.py", line 12, in run\\n    process(job)\\nValueError: bad job %s\\n\' $i >&2; fi; usleep 200000; done',
  });
}

if (requireEngine(test)) {
  test.after.each(async () => {
    await browser?.close();
    browser = undefined;
    await stopChild(proc?.child);
    proc = undefined;
    await removeTestContainers();
  });

  test('live: lines of real containers appear; level filter and search narrow them; pause counts; keys; 375 px', async () => {
    const prefix = uniquePrefix('uilive');
    await runApps(prefix);
    const port = await startService(prefix);
    const page = await openPage(port);
    await waitRows(page, 'lines of both containers', (r) => r.some((x) => x.msg.startsWith('GET /users/')) && r.some((x) => /job \d+ alpha done/.test(x.msg)));
    const before = await count(page);
    await waitFor(async () => (await count(page)) > before + 3, { what: 'more lines arriving live' });

    await page.selectOption('#f-level', 'error');
    await waitRows(page, 'only errors', (r) => r.length > 0 && r.every((x) => /lvl-(ERROR|CRITICAL)/.test(x.cls)));
    assert.match(page.url(), /level=error/);
    const errs = await rows(page);
    assert.ok(errs.some((x) => /payment \d+ declined/.test(x.msg)), 'the API errors');

    await page.selectOption('#f-level', '');
    await page.fill('#f-search', 'alpha');
    await waitRows(page, 'only alpha lines', (r) => r.length > 2 && r.every((x) => x.msg.includes('alpha')));
    assert.match(page.url(), /search=alpha/);
    // Regex: the worker's warnings only.
    await page.fill('#f-search', 'depth \\d+ beta$');
    await page.check('#f-regex');
    await waitRows(page, 'only regex matches', (r) => r.length > 0 && r.every((x) => /depth \d+ beta$/.test(x.msg)));
    assert.match(page.url(), /regex=/);

    // Keys: Escape leaves the field, p pauses (arrivals counted, the list stands still), space resumes.
    await page.fill('#f-search', '');
    await page.uncheck('#f-regex');
    await page.press('#f-search', 'Escape');
    await waitRows(page, 'all lines again', (r) => r.some((x) => x.msg.startsWith('GET /users/')));
    await page.keyboard.press('p');
    await page.waitForSelector('#paused-banner:not([hidden])');
    const held = await count(page);
    await waitFor(async () => Number(await page.getAttribute('#paused-banner', 'data-arrived')) >= 5, { what: 'lines counted while paused' });
    assert.is(await count(page), held, 'nothing added while paused');
    assert.match((await page.textContent('#paused-banner')) ?? '', /\d+ new lines/);
    await page.keyboard.press(' ');
    await waitFor(async () => (await count(page)) >= held + 5, { what: 'held lines shown on resume' });
    assert.ok(await page.isHidden('#paused-banner'));
    await page.keyboard.press('/');
    assert.is(await page.evaluate('document.activeElement && document.activeElement.id'), 'f-search');

    // Scrolling up stops following; the newest lines keep arriving below.
    await page.evaluate('document.querySelector(".list").scrollTop = 0');
    await page.waitForSelector('#jump:not([hidden])');
    const scrollTop = (): Promise<number> => page.evaluate('document.querySelector(".list").scrollTop');
    const top = await scrollTop();
    await waitFor(async () => (await count(page)) > held + 10, { what: 'more lines' });
    assert.is(await scrollTop(), top, 'the view stays where the user put it');

    // A row expands: fields of a JSON line, the whole traceback.
    await page.click('#jump');
    await page.fill('#f-search', 'declined');
    await waitRows(page, 'declined payments', (r) => r.length > 0 && r.every((x) => x.msg.includes('declined')));
    await page.click('.list .row:not([style*="none"]) .msg');
    await page.waitForSelector('.row.open .fields dt');
    assert.match((await page.textContent('.row.open .fields')) ?? '', /code\s*E42/);

    // Lines around it in its container (/logs/around), and the view's URL says which line.
    const opened = ((await page.textContent('.row.open .msg')) ?? '').trim();
    await page.click('.row.open button.around');
    await page.waitForSelector('#around[open] .line.hit');
    assert.ok(((await page.textContent('#around .line.hit')) ?? '').includes(opened), 'the line itself is marked');
    assert.ok((await page.$$('#around .line')).length > 10, 'with lines before it');
    assert.match(page.url(), /line=\d+/);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#around', { state: 'hidden' });
    // The dialog's close event comes in a task after it is hidden.
    await waitFor(() => !/line=/.test(page.url()), { what: 'the URL without the line' });

    // Download the current query (search=declined) as NDJSON and as text: fetched with the header, saved from a Blob.
    const [nd] = await Promise.all([page.waitForEvent('download'), page.click('#dl-ndjson')]);
    assert.match(nd.suggestedFilename(), /^logagg-.*\.ndjson$/);
    const ndLines = readFileSync((await nd.path())!, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { message: string; seq: number });
    assert.ok(ndLines.length > 0 && ndLines.every((e) => e.message.includes('declined')), 'the export follows the filters');
    const [tx] = await Promise.all([page.waitForEvent('download'), page.click('#dl-text')]);
    assert.match(readFileSync((await tx.path())!, 'utf8'), /payment \d+ declined/);
    assert.match(tx.suggestedFilename(), /^logagg-\d{8}T\d{6}Z\.txt$/, "the server's name for the file");

    if (process.env.UI_SCREENSHOT) {
      // The main view with real data: everything live, one JSON error opened, the panels filled.
      await page.fill('#f-search', '');
      await page.waitForTimeout(4000);
      const shown = await page.$$('.list .row.lvl-ERROR:not([style*="none"]) .msg');
      await shown[shown.length - 1]?.click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: process.env.UI_SCREENSHOT });
    }

    // A phone in dark mode: the page follows the system's colour scheme.
    const narrow = await openPage(port, '', 375, 740, 'dark');
    await waitRows(narrow, 'lines at 375 px', (r) => r.length > 5);
    const box = await narrow.locator('.list').boundingBox();
    assert.ok(box && box.height > 200, `the list has room at 375 px (${JSON.stringify(box)})`);
    if (process.env.UI_SCREENSHOT) await narrow.screenshot({ path: process.env.UI_SCREENSHOT.replace(/\.png$/, '-375.png') });
    assert.is(await narrow.evaluate<string>('getComputedStyle(document.body).backgroundColor'), 'rgb(15, 18, 24)', 'dark');
    assert.is(await page.evaluate<string>('getComputedStyle(document.body).backgroundColor'), 'rgb(255, 255, 255)', 'light');
    const overflow = await narrow.evaluate<number>('document.documentElement.scrollWidth');
    assert.ok(overflow <= 375, `the page fits 375 px (scrollWidth ${overflow})`);
  });

  test('history: a line only the disk still has is found; load older pages through next_cursor; the URL is the view', async () => {
    const prefix = uniquePrefix('uihist');
    const needle = `needle-${prefix}`;
    const port = await startService(prefix, { MAX_LOG_BUFFER: '100' });
    await runContainer({ name: `${prefix}-old`, script: `echo "${needle} long ago"; i=0; while [ $i -lt 2500 ]; do i=$((i+1)); echo "filler $i"; done; exec sleep 100000` });
    await waitFor(async () => (await request(port, `/logs?search=filler%202500`)).body?.count === 1, { timeoutMs: 30_000, what: 'all lines stored' });
    const health = (await request(port, '/health')).body;
    assert.ok(health.log_buffer_size <= 100, `the hot window holds ${health.log_buffer_size} entries`);

    const page = await openPage(port);
    // Live starts with the last 500 lines from the store, though the stream's own tail has only the
    // 100 the window holds; the 100 it sends again are dropped by seq.
    await waitFor(async () => (await count(page)) === 500, { what: 'the live view to show the last 500 lines' });
    const live = await rows(page);
    assert.ok(live.some((x) => x.msg === 'filler 2500'), 'the newest line');
    await page.click('#mode-history');
    await page.selectOption('#f-range', 'all');
    await page.fill('#f-search', needle);
    const found = await waitRows(page, 'the old line', (r) => r.some((x) => x.msg === `${needle} long ago`));
    assert.is(found.length, 1);
    const link = page.url();
    assert.match(link, new RegExp(`search=${needle}`));
    assert.match(link, /range=all/);

    // The same link in another tab shows the same view.
    const other = await openPage(port, `?${new URL(link).search.slice(1)}`);
    await waitRows(other, 'the old line from the link', (r) => r.length === 1 && r[0]!.msg === `${needle} long ago`);
    assert.is(await other.inputValue('#f-search'), needle);

    // Without the search: pages of 1,000, older ones on demand, the view stays on the lines it showed.
    await page.fill('#f-search', '');
    await waitFor(async () => (await count(page)) === 1000, { what: 'the first page' });
    await page.waitForSelector('#older:not([hidden])');
    await page.click('#older');
    await waitFor(async () => (await count(page)) === 2000, { what: 'the second page' });
    await page.click('#older');
    await waitFor(async () => (await count(page)) === 2501, { what: 'the last page' });
    assert.ok(await page.isHidden('#older'), 'no older page after the last');
    assert.match((await page.textContent('#status')) ?? '', /all found/);
  });

  test('the error panel counts a fresh error and shows it among the top exceptions', async () => {
    const prefix = uniquePrefix('uierr');
    const port = await startService(prefix);
    await runContainer({ name: `${prefix}-calm`, labels: { 'com.docker.compose.service': `${prefix}-svc` }, script: 'while true; do echo "level=info msg=calm"; usleep 300000; done' });
    const page = await openPage(port);
    await page.waitForSelector('#error-chart[data-errors]', { timeout: 20_000 });
    assert.is(await page.getAttribute('#error-chart', 'data-errors'), '0');
    await runContainer({ name: `${prefix}-boom`, labels: { 'com.docker.compose.service': `${prefix}-svc` }, script: `echo "level=error msg=\\"fresh failure ${prefix}\\""; exec sleep 100000` });
    await waitFor(async () => Number(await page.getAttribute('#error-chart', 'data-errors')) >= 1, { timeoutMs: 30_000, what: 'the chart to count the error' });
    assert.match((await page.textContent('#error-chart')) ?? '', new RegExp(`${prefix}-svc1 errors`));
    await waitFor(async () => ((await page.textContent('#exceptions')) ?? '').includes(`fresh failure ${prefix}`), { timeoutMs: 30_000, what: 'the top exceptions to show it' });
    await waitFor(async () => ((await page.textContent('#container-table')) ?? '').includes(`${prefix}-boom`), { timeoutMs: 20_000, what: 'the container list' });
  });

  test('API_TOKEN: the page asks for the token, refuses a wrong one, shows lines with the right one', async () => {
    const prefix = uniquePrefix('uitok');
    const token = 'ui-secret-token';
    await runContainer({ name: `${prefix}-tick`, script: 'i=0; while true; do i=$((i+1)); echo "tick $i"; usleep 200000; done' });
    const port = await startService(prefix, { API_TOKEN: token });
    assert.is((await request(port, '/')).status, 200, 'the page itself needs no token');
    assert.is((await request(port, '/logs')).status, 401);
    const page = await openPage(port);
    await page.waitForSelector('#token[open]');
    await page.fill('#token-input', 'wrong-token');
    await page.press('#token-input', 'Enter');
    await page.waitForSelector('#token[open] #token-wrong:not([hidden])');
    assert.is(await count(page), 0);
    await page.fill('#token-input', token);
    await page.press('#token-input', 'Enter');
    await waitRows(page, 'lines with the right token', (r) => r.some((x) => /^tick \d+$/.test(x.msg)));
    assert.ok(await page.isHidden('#token'));
    assert.is(await page.evaluate('sessionStorage.getItem("logagg.token")'), token);
    // A reload in the same tab keeps the token: no prompt.
    await page.reload();
    await waitRows(page, 'lines after a reload', (r) => r.some((x) => /^tick \d+$/.test(x.msg)));
    assert.not.ok(await page.isVisible('#token'));
  });
}

test.run();
