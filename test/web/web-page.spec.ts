import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startApi, type ApiHarness } from '../api/api-harness.js';
import { bodyOf, type HealthBody } from '../support/http.js';
import {
  browserMissing,
  buildWebAssets,
  launchChromium,
  seriousViolations,
  SEED_FILE,
  STEP_TIMEOUT_MS,
} from './browser.js';

/*
 * The web page in a real browser against the real service, on the seed collaborations: sign in
 * locally, record a cancelled meeting and see its alert, move "as of" back to 2016 and see who
 * was in each collaboration then, be refused as an officer of the wrong force, and no serious or
 * critical axe-core violation on any page.
 */

// The service's clock: a meeting cancelled on 1 April 2025 is past its 28 days to be rearranged.
const NOW = '2025-06-02T09:00:00.000Z';
const BOARD = 'tarian-governance-board';

/** Screenshots of the pages the tests visit, kept in the test output (not committed). */
const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');

const suite = browserMissing ? describe.skip : describe;

suite('the web page', () => {
  let api: ApiHarness;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    [api] = await Promise.all([startApi({ IMPORT_ON_START: SEED_FILE }, { now: NOW }), buildWebAssets()]);
    await api.app.listen(0, '127.0.0.1');
    url = (await api.app.getUrl()).replace('[::1]', '127.0.0.1');
    // Boards are established by administrators; the seeds have none.
    const established = await api.admin.post('/boards').send({
      id: BOARD,
      name: 'Tarian Governance Board',
      agreements: ['tarian'],
      chair: 'Police and Crime Commissioner for Gwent',
      maxDaysBetweenMeetings: 92,
      quorum: 2,
      accountability: {
        kind: 'joint-accountability',
        members: [
          { role: 'chief-officer', name: 'Chief Constable of Gwent Police', body: 'gwent' },
          { role: 'pcc', name: 'Police and Crime Commissioner for Gwent', body: 'gwent' },
          { role: 'pcc', name: 'Police and Crime Commissioner for South Wales', body: 'south-wales' },
        ],
        quorumByRole: { pcc: 1 },
      },
      occurredAt: '2024-04-01',
    });
    expect(established.status).toBe(201);
    // The seed import publishes each seed agreement as its source page did (s23E); this spec records Gwent's
    // register afresh, so it first withdraws what the import published for Gwent's agreements.
    const head = bodyOf<HealthBody>(await api.admin.get('/health')).details.database.headPosition ?? '';
    const imported = await api.http.get(`/public/bodies/gwent/agreements?limit=500&minPosition=${head}`);
    expect(imported.status).toBe(200);
    for (const { agreementId } of (imported.body as { agreements: { agreementId: string }[] }).agreements) {
      const withdrawn = await api.admin
        .post(`/agreements/${agreementId}/publication-withdrawal`)
        .send({ reason: 'The web spec records its own publications.' });
      expect({ agreementId, status: withdrawn.status }).toEqual({ agreementId, status: 201 });
    }
    // Gwent publishes three agreements (s23E), one of them exempt: the public register shows them signed out.
    const writes: [string, object][] = [
      [
        '/agreements/tarian/publication',
        { publishedOn: '2024-05-01', documentUrl: 'https://www.gwent.pcc.police.uk/tarian.pdf', publishedBy: 'gwent' },
      ],
      [
        '/agreements/gwent-south-wales-joint-legal-services/publication',
        { publishedOn: '2024-05-02', reference: 'GW/2024/7', publishedBy: 'gwent' },
      ],
      ['/agreements/ctp-wales/publication-exemption', { ground: 'security', reason: 'Names covert capabilities.' }],
      ['/agreements/ctp-wales/publication', { publishedOn: '2024-05-03', publishedBy: 'gwent' }],
    ];
    let position = '';
    for (const [path, body] of writes) {
      const written = await api.admin.post(path).send(body);
      expect({ path, status: written.status }).toEqual({ path, status: 201 });
      position = (written.body as { position: string }).position;
    }
    // The page reads without read-your-writes: wait here until the register includes the last write.
    const published = await api.http.get(`/public/bodies/gwent/agreements?minPosition=${position}`);
    expect((published.body as { agreements: unknown[] }).agreements).toHaveLength(3);
    browser = await launchChromium();
    context = await browser.newContext({
      locale: 'en-GB',
      timezoneId: 'Europe/London',
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
  }, 240_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await api?.close();
  }, 60_000);

  async function signIn(as: { role: 'officer' | 'auditor' | 'admin'; force?: string; sub: string }): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.getByRole('heading', { name: 'Sign in on this machine' }).waitFor();
    await page
      .getByLabel(
        new RegExp(`^${as.role === 'admin' ? 'Administrator' : as.role === 'officer' ? 'Officer' : 'Auditor'}:`),
      )
      .check();
    if (as.force) await page.getByLabel('Force you act for').selectOption(as.force);
    await page.getByLabel(/Your name/).fill(as.sub);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText(`Signed in as ${as.sub}`).waitFor();
    return page;
  }

  async function expectAccessible(page: Page, what: string): Promise<void> {
    const violations = await seriousViolations(page);
    expect({ page: what, violations }).toEqual({ page: what, violations: [] });
  }

  test('signs in locally, shows who you are and browses the seed register', async () => {
    const page = await context.newPage();
    await page.goto(`${url}/`);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await expectAccessible(page, 'sign-in');
    await page.close();

    const officer = await signIn({ role: 'officer', force: 'gwent', sub: 'dai.jones' });
    await expect(officer.getByText('Signed in as dai.jones: officer of gwent').isVisible()).resolves.toBe(true);
    await officer.getByRole('heading', { name: 'Register of collaboration agreements' }).waitFor();
    await officer.getByRole('link', { name: 'Tarian', exact: true }).waitFor();
    await expect(officer.getByText(/Showing \d+ of \d+ agreements/).textContent()).resolves.toMatch(
      // Every agreement of the seed file, the Vehicle Procurement Consortium with its declared membership included.
      /Showing (33) of \1 agreements/,
    );
    await expectAccessible(officer, 'register');

    // Filter by party: Gwent's collaborations only.
    await officer.getByLabel('Party').selectOption('gwent');
    await officer.getByRole('button', { name: 'Apply filter' }).click();
    await officer.waitForURL(/party=gwent/);
    await officer.getByText(/Showing 1[0-9] of 33 agreements/).waitFor();
    await expect(officer.getByRole('link', { name: 'Zephyr' }).count()).resolves.toBe(0);

    // An auditor sees no forms: their role records nothing.
    const auditor = await signIn({ role: 'auditor', sub: 'panel.member' });
    await auditor.goto(`${url}/#/boards/${BOARD}`);
    await auditor.getByRole('heading', { name: 'Tarian Governance Board' }).waitFor();
    await expect(auditor.getByRole('button', { name: 'Record scheduled meeting' }).count()).resolves.toBe(0);
    await officer.close();
    await auditor.close();
  }, 180_000);

  test('records a cancelled meeting through the form and the alert appears on the alerts page', async () => {
    const page = await signIn({ role: 'officer', force: 'gwent', sub: 'dai.jones' });
    await page.goto(`${url}/#/boards/${BOARD}`);
    await page.getByRole('heading', { name: 'Tarian Governance Board' }).waitFor();

    const schedule = page.getByRole('form', { name: 'Meeting scheduled' });
    await schedule.getByLabel('Meeting reference').fill('2025-q1');
    await schedule.getByLabel('Meeting date').fill('2025-04-10');
    await schedule.getByRole('button', { name: 'Record scheduled meeting' }).click();
    await page.getByRole('row', { name: /2025-q1.*Scheduled/ }).waitFor();

    // A rule message from the API, next to the form: the meeting cannot be cancelled twice,
    // but first a validation message next to the field it names.
    const cancel = page.getByRole('form', { name: 'Meeting cancelled' });
    await cancel.getByLabel('Meeting', { exact: true }).selectOption('2025-q1');
    await cancel.getByLabel('Cancelled on').fill('2025-04-01');
    await cancel.getByRole('button', { name: 'Record cancellation' }).click();
    await cancel.getByText('reason must be').waitFor();
    await expect(cancel.getByLabel('Reason').getAttribute('aria-invalid')).resolves.toBe('true');

    await cancel.getByLabel('Reason').fill('Chair unavailable');
    await cancel.getByRole('button', { name: 'Record cancellation' }).click();
    await page.getByRole('row', { name: /2025-q1.*Cancelled/ }).waitFor();
    await expectAccessible(page, 'board');

    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor();
    const alert = page
      .getByRole('listitem')
      .filter({ hasText: 'meeting "2025-q1" set for 2025-04-10 was cancelled on 2025-04-01' });
    await alert.waitFor({ timeout: 60_000 });
    await expect(alert.textContent()).resolves.toMatch(/meeting cancelled not rearranged/);
    await expectAccessible(page, 'alerts');

    // Acknowledge it with a note: it moves to the acknowledged list with who and why.
    await alert.getByRole('button', { name: /Acknowledge/ }).click();
    await alert.getByLabel('Note').fill('Chair asked to rearrange before the panel.');
    await alert.getByRole('button', { name: 'Acknowledge', exact: true }).click();
    await alert.waitFor({ state: 'detached' });
    await page.getByRole('link', { name: 'Acknowledged' }).click();
    await page.getByText('Chair asked to rearrange before the panel.').waitFor();
    await expect(page.getByText(/by officer:dai\.jones \(gwent\)/).count()).resolves.toBeGreaterThan(0);
    await page.close();
  }, 240_000);

  test('moving "as of" back to 2016 shows who was in each collaboration then', async () => {
    const page = await signIn({ role: 'auditor', sub: 'panel.member' });
    await page.goto(`${url}/#/bodies/gwent`);
    await page.getByRole('heading', { name: 'Collaborations of Gwent Police' }).waitFor();
    // Today (the service's clock, 2025): the southern Wales joint units of 2023 are there.
    await page.getByRole('link', { name: 'Joint Firearms Unit' }).waitFor();
    const today = await page.getByRole('heading', { name: /collaborations on/ }).textContent();
    expect(today).toMatch(/on 2 June 2025/);

    await page.getByLabel('As of (the world on this date)').fill('2016-03-31');
    await page.getByRole('button', { name: 'Redraw' }).click();
    await page.getByRole('heading', { name: /collaborations on 31 March 2016/ }).waitFor();
    // Issue 15: the Gwent page shows the joint units in operation by its date (1 January 2023), not since when, so
    // in 2016 Gwent's membership of them is not known: listed as such, not counted as collaborations then.
    await expect(
      page
        .getByRole('row')
        .filter({ hasText: 'Joint Firearms Unit' })
        .getByText(/not known/)
        .count(),
    ).resolves.toBe(1);
    await page.getByRole('link', { name: 'Tarian' }).waitFor();
    const then = await page.getByRole('heading', { name: /collaborations on 31 March 2016/ }).textContent();
    expect(Number(then?.match(/^(\d+)/)?.[1])).toBeLessThan(Number(today?.match(/^(\d+)/)?.[1]));
    await expectAccessible(page, 'body');

    // Known at: what the record said before the seeds were recorded (the service's clock is 2025).
    await page.getByLabel('Known at (what the record said on this date)').fill('2024-01-01');
    await page.getByRole('button', { name: 'Redraw' }).click();
    await page.getByRole('heading', { name: /^0 collaborations on 31 March 2016/ }).waitFor();

    // The agreement page replays membership as of a date. Tarian is recorded as in force by 1 January 2013 ("in
    // operation for over 10 years" on a page of 2023): before that day, whether it was is not known (issue 15).
    await page.goto(`${url}/#/agreements/tarian`);
    await page.getByRole('heading', { name: 'Tarian', exact: true }).waitFor();
    await page
      .getByRole('row', { name: /Gwent Police/ })
      .first()
      .waitFor();
    await page.getByLabel('As of (the world on this date)').fill('2012-06-30');
    await page.getByRole('button', { name: 'Redraw' }).click();
    await page.getByText(/whether it was in force on 30 June 2012 is not known/).waitFor();
    await page.getByLabel('As of (the world on this date)').fill('2016-03-31');
    await page.getByRole('button', { name: 'Redraw' }).click();
    await page.getByText(/Replayed from the event log as of 31 March 2016/).waitFor();
    await page
      .getByRole('row', { name: /South Wales Police/ })
      .first()
      .waitFor();
    await page.getByRole('img', { name: /Membership of Tarian as of 31 March 2016/ }).waitFor();

    await page.getByRole('button', { name: 'Run integrity check' }).click();
    await page.getByText(/Intact\./).waitFor();
    await expectAccessible(page, 'agreement');
    await page.close();
  }, 240_000);

  test('an officer of another force sees the form refused with the API’s reason', async () => {
    const page = await signIn({ role: 'officer', force: 'thames-valley', sub: 'jane.doe' });
    await page.goto(`${url}/#/boards/${BOARD}`);
    const schedule = page.getByRole('form', { name: 'Meeting scheduled' });
    await schedule.getByLabel('Meeting reference').fill('2025-q2');
    await schedule.getByLabel('Meeting date').fill('2025-07-10');
    await schedule.getByRole('button', { name: 'Record scheduled meeting' }).click();
    const refusal = schedule.getByRole('alert');
    await refusal.waitFor();
    await expect(refusal.textContent()).resolves.toMatch(
      /Refused.*403.*Officers of Thames Valley Police can only record facts about agreements Thames Valley Police is a party to/,
    );
    await expect(page.getByRole('row', { name: /2025-q2/ }).count()).resolves.toBe(0);

    await page.goto(`${url}/#/agreements/tarian`);
    const signature = page.getByRole('form', { name: 'Signature' });
    await signature.getByLabel('Signed by').fill('Chief Constable');
    await signature.getByLabel('Signed on').fill('2013-01-01');
    await signature.getByRole('button', { name: 'Record signature' }).click();
    await expect(signature.getByRole('alert').textContent()).resolves.toMatch(/is not a party to agreement "tarian"/);
    await page.close();
  }, 180_000);

  test("a force's governance statement: findings from the seed board, printable without navigation, accessible", async () => {
    const page = await signIn({ role: 'auditor', sub: 'internal.audit' });
    await page.goto(`${url}/#/bodies/thames-valley`);
    await page.getByRole('link', { name: 'Governance statement of this force' }).click();
    await page.getByLabel('Financial year (e.g. 2015-16)').fill('2015-16');
    await page.getByRole('button', { name: 'Show statement' }).click();
    await page.getByRole('heading', { level: 1, name: /^Governance statement 2015\/16: Thames Valley/ }).waitFor();
    await page.getByText(/Loading/).waitFor({ state: 'detached' });
    await page
      .getByText(
        '2 formal Hampshire/TVP Bi-lateral Collaboration Governance Board meetings were cancelled and not rearranged during 2015/16',
        { exact: false },
      )
      .waitFor();
    await expectAccessible(page, '#/statements/thames-valley');
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'governance-statement.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    await expect(page.locator('.site-nav').isVisible()).resolves.toBe(false);
    await expect(page.getByRole('button', { name: 'Print' }).isVisible()).resolves.toBe(false);
    await expect(page.getByRole('heading', { name: 'Boards' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'governance-statement-print.png'), fullPage: true });

    // As known at a date: passed to the API and named in the printed heading.
    await page.emulateMedia({ media: 'screen' });
    await page.getByLabel(/^As known at/).fill('2025-06-02');
    await page.getByRole('button', { name: 'Show statement' }).click();
    await page.waitForURL(/knownAt=2025-06-02/);
    await page
      .getByRole('heading', {
        level: 1,
        name: /^Governance statement 2015\/16: Thames Valley.*, as known at 2 June 2025$/,
      })
      .waitFor();
    await page.getByText(/as recorded by the end of 2 June 2025/).waitFor();
    await expectAccessible(page, '#/statements/thames-valley?knownAt');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(SCREENSHOTS, 'governance-statement-known-at-print.png'), fullPage: true });
    await page.close();
  }, 180_000);

  test('the public register of a force, signed out: published agreements, an exempt one by title and purpose, More, CSV', async () => {
    const page = await context.newPage();
    const tokenSent: string[] = [];
    page.on('request', (request) => {
      if (request.headers().authorization) tokenSent.push(request.url());
    });
    await page.goto(`${url}/`);
    await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Published collaboration agreements (no account needed)' }).click();
    const chooser = page.getByRole('form', { name: 'Choose a force' });
    await chooser.getByLabel('Force').selectOption('gwent');
    await chooser.getByRole('button', { name: 'Show published agreements' }).click();
    await page.waitForURL(/#\/public\/gwent$/);
    await page.getByRole('heading', { level: 1, name: 'Published collaboration agreements: Gwent Police' }).waitFor();
    await page.getByRole('row', { name: /Tarian.*Gwent Police.*s22A.*1 May 2024 by Gwent Police/ }).waitFor();
    await page.getByRole('row', { name: /Joint Legal Services.*Reference GW\/2024\/7/ }).waitFor();
    const exempt = page.getByRole('row', { name: /Counter Terrorism Policing Wales/ });
    await expect(exempt.textContent()).resolves.toMatch(/Limited details published.*3 May 2024/);
    await expect(exempt.textContent()).resolves.not.toMatch(/covert|South Wales Police/);
    await expect(page.getByRole('link', { name: 'Published agreement: Tarian' }).getAttribute('href')).resolves.toBe(
      'https://www.gwent.pcc.police.uk/tarian.pdf',
    );
    const csv = await page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href');
    expect(csv).toBe('/public/bodies/gwent/agreements?format=csv&limit=500');
    const csvText = await (await page.request.get(`${url}${csv}`)).text();
    expect(csvText.split('\r\n')[0]).toMatch(/^agreementId,title,details,purpose/);
    await expect(page.getByRole('button', { name: 'Sign out' }).count()).resolves.toBe(0);
    await expectAccessible(page, '#/public/gwent');
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'public-register.png'), fullPage: true });

    // Two a page: "More" loads the third, after the first two, and then there is no more.
    await page.goto(`${url}/#/public/gwent?limit=2`);
    await page.getByText('2+ published agreements').waitFor();
    await expect(page.getByRole('row', { name: /Tarian/ }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'More agreements' }).click();
    await page.getByText('3 published agreements').waitFor();
    await page.getByRole('row', { name: /Tarian/ }).waitFor();
    await expect(page.getByRole('button', { name: 'More agreements' }).count()).resolves.toBe(0);
    const rows = await page.getByRole('row').allTextContents();
    expect(rows).toHaveLength(4);
    expect(rows[1]).toMatch(/^Counter Terrorism/);
    expect(rows[3]).toMatch(/^Tarian/);

    // An unknown force: the API's 404, and still no sign-in demanded.
    await page.goto(`${url}/#/public/atlantis`);
    await page
      .getByText(/atlantis/)
      .first()
      .waitFor();
    await expect(page.getByRole('heading', { name: 'Sign in', exact: true }).count()).resolves.toBe(0);
    expect(tokenSent).toEqual([]);
    await page.close();
  }, 180_000);

  test('the board page shows its kind, members and quorum by role, and its oversight history', async () => {
    const page = await signIn({ role: 'auditor', sub: 'panel.member' });
    await page.goto(`${url}/#/boards/${BOARD}`);
    await page.getByRole('heading', { level: 1, name: 'Tarian Governance Board' }).waitFor();
    await page.getByRole('heading', { name: 'Accountability and oversight' }).waitFor();
    await page
      .getByText('Joint accountability: the policing bodies hold the chief officers to account')
      .first()
      .waitFor();
    await page.getByText('Policing body (PCC or equivalent): at least 1').waitFor();
    const members = await page.getByRole('region', { name: 'Members table' }).getByRole('row').allTextContents();
    // By role: the policing bodies first, then the chief officer.
    expect(members.slice(1)).toEqual([
      expect.stringMatching(/^Policing body.*Police and Crime Commissioner for Gwent.*gwent$/),
      expect.stringMatching(/^Policing body.*Police and Crime Commissioner for South Wales.*south-wales$/),
      expect.stringMatching(/^Chief officer.*Chief Constable of Gwent Police.*gwent$/),
    ]);
    await page
      .getByRole('region', { name: 'Oversight table' })
      .getByRole('row', { name: /tarian.*1 April 2024.*Still overseen/ })
      .waitFor();
    await page.getByText(/Loading/).waitFor({ state: 'detached' });
    await expectAccessible(page, 'board with accountability');
    await mkdir(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'board-accountability.png'), fullPage: true });

    // Known at a day before the board was recorded (the service's clock is 2025): nothing to judge then.
    await page.getByLabel(/^Known at/).fill('2025-01-01');
    await page.getByRole('button', { name: 'Show year' }).click();
    await page.waitForURL(/knownAt=2025-01-01/);
    await page.getByText('This board was not yet recorded on 2025-01-01').waitFor();
    await page.close();
  }, 180_000);

  test('no page has a serious or critical accessibility violation', async () => {
    const page = await signIn({ role: 'admin', sub: 'ops.lead' });
    for (const [path, heading] of [
      ['#/agreements', 'Register of collaboration agreements'],
      ['#/agreements/zephyr', 'South West Regional Organised Crime Unit'],
      ['#/bodies', 'Collaborations of a force or body'],
      ['#/bodies/gloucestershire', 'Collaborations of Gloucestershire Constabulary'],
      ['#/boards', 'Governance boards'],
      [`#/boards/${BOARD}`, 'Tarian Governance Board'],
      ['#/alerts', 'Alerts'],
      ['#/alerts?status=resolved', 'Alerts'],
    ] as const) {
      await page.goto(`${url}/${path}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(`^${heading}`) }).waitFor();
      await page.getByText(/Loading/).waitFor({ state: 'detached' });
      await expectAccessible(page, path);
    }
    await page.close();
  }, 240_000);

  test('works from the keyboard and at 200% zoom', async () => {
    const page = await signIn({ role: 'officer', force: 'gwent', sub: 'dai.jones' });
    await page.goto(`${url}/#/agreements/tarian`);
    // A fresh load (the session lasts for the tab): the first Tab stop is the skip link.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Tarian' }).waitFor();
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.textContent')).resolves.toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect(page.evaluate('document.activeElement.id')).resolves.toBe('main');
    // The next stop is inside the page, and focus is visible there.
    await page.keyboard.press('Tab');
    await expect(page.evaluate('document.activeElement.closest("main") !== null')).resolves.toBe(true);
    await expect(page.evaluate('getComputedStyle(document.activeElement).outlineStyle')).resolves.toBe('solid');

    // 200% zoom of a 1280-pixel window is a 640-pixel layout: only the tables' own regions scroll sideways.
    await page.setViewportSize({ width: 640, height: 900 });
    for (const path of ['#/agreements', '#/agreements/tarian', `#/boards/${BOARD}`, '#/bodies/gwent', '#/alerts']) {
      await page.goto(`${url}/${path}`);
      await page.locator('h1').first().waitFor();
      await page.getByText(/Loading/).waitFor({ state: 'detached' });
      const fits = await page.evaluate(
        'document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1',
      );
      expect({ path, fits }).toEqual({ path, fits: true });
    }
    await page.close();
  }, 180_000);
});
