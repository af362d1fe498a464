import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startApi, type ApiHarness } from './api-harness.js';
import { bodyOf, problemOf, type AgreementSummaryBody, type AlertsBody, type AppendedBody } from '../support/http.js';

/*
 * Every list endpoint pages: `limit` rows (1–500, default 100) and a `next` cursor over the list's
 * own order, null on the last page (docs/api.md, "Paging"). Paging through with a small limit
 * yields the whole list, in order, each row once; a bad limit or cursor is a 400 naming the field.
 */

let api: ApiHarness;
let last = '0';

async function post(path: string, body: object): Promise<void> {
  const res = await api.admin.post(path).send(body);
  if (res.status !== 201) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  last = bodyOf<AppendedBody>(res).position;
}

/** The cursor every list answers with: where the next page starts, null on the last page. */
type Paged = { next: string | null };
/** A row of GET /benefits, keyed by the view's group. */
type BenefitsRow = { agreementId?: string; force?: string; period?: { from: string; to: string } };
/** GET /agreements: a page of the register and the counts of the whole register. */
type Register = Paged & { agreements: AgreementSummaryBody[]; counts: { total: number } };

const withQuery = (path: string, query: Record<string, string>) =>
  `${path}?${new URLSearchParams({ minPosition: last, ...query }).toString()}`;

/** Every page of `path` with `limit`, following `next` until it is null. */
async function pageThrough<K extends string>(
  path: string,
  key: K,
  limit: number,
  query: Record<string, string> = {},
): Promise<{ pages: unknown[][]; rows: unknown[] }> {
  const pages: unknown[][] = [];
  let cursor: string | null = null;
  do {
    const res = await api.admin.get(withQuery(path, { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) }));
    expect(res.status).toBe(200);
    const page = bodyOf<Paged & Record<K, unknown[]>>(res);
    pages.push(page[key]);
    cursor = page.next;
    expect(pages.length).toBeLessThan(20);
  } while (cursor !== null);
  return { pages, rows: pages.flat() };
}

/** Polls until the background evaluator has raised what the test waits for (bounded). */
async function eventually(read: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100 && !(await read()); i++) await new Promise((r) => setTimeout(r, 100));
}

const PARTIES = ['hampshire', 'thames-valley'];
const TITLES = ['Delta', 'alpha', 'Charlie', 'bravo', 'Echo'];

beforeAll(async () => {
  api = await startApi();
  api.clock.set('2016-04-20T09:00:00.000Z');
  for (const [n, title] of TITLES.entries()) {
    await post('/agreements', {
      id: `paged-${n}`,
      title,
      legalBasis: 's22A',
      businessArea: 'roads policing',
      deliveryModel: 'joint-unit',
      parties: PARTIES,
      occurredAt: '2014-01-10',
    });
  }
  // Delta (paged-0) and alpha (paged-1) come into force; the others stay drafted.
  for (const id of ['paged-0', 'paged-1']) {
    for (const party of PARTIES) {
      await post(`/agreements/${id}/signatures`, { party, signedBy: 'Chief Constable', occurredAt: '2014-01-10' });
      await post(`/agreements/${id}/pcc-approvals`, { party, occurredAt: '2014-01-10' });
    }
    await post(`/agreements/${id}/commencement`, { occurredAt: '2014-04-01' });
  }
  for (const id of ['paged-1', 'paged-0'])
    for (const financialYear of ['2015-16', '2014-15'])
      await post(`/agreements/${id}/savings`, { financialYear, kind: 'realised', amountGbp: 1000 });
  for (const name of ['Wessex Board', 'anglia board', 'Mercia Board']) {
    await post('/boards', {
      id: name.split(' ')[0]!.toLowerCase(),
      name,
      agreements: ['paged-0'],
      chair: 'Police and Crime Commissioner for Thames Valley',
      maxDaysBetweenMeetings: 92,
      quorum: 2,
      occurredAt: '2015-04-01',
    });
  }
  const meetings = ['2015-06-15', '2015-07-15', '2015-08-15', '2015-09-15'];
  for (const [n, date] of meetings.entries())
    await post('/boards/wessex/meetings', { meetingId: `m${n}`, scheduledFor: date });
  const attendees = PARTIES.map((body) => ({ name: 'PCC', body }));
  await post('/boards/wessex/meetings/m0/held', { occurredAt: '2015-06-15', attendees });
  for (const n of [1, 2, 3])
    await post(`/boards/wessex/meetings/m${n}/cancellation`, { reason: `Reason ${n}`, occurredAt: '2015-06-20' });
  for (const n of [3, 1, 2, 0])
    await post('/decisions', {
      id: `decision-${n}`,
      summary: `Decision ${n}`,
      boardId: 'wessex',
      meetingId: 'm0',
      occurredAt: `2015-06-1${n}`,
    });
}, 120_000);

afterAll(async () => {
  await api.close();
});

describe('paged lists', () => {
  test('the register pages by title, then id: every agreement once, in order, next null on the last page', async () => {
    const whole = await api.admin.get(withQuery('/agreements', {}));
    expect(bodyOf<Register>(whole).next).toBeNull();
    const { pages, rows } = await pageThrough('/agreements', 'agreements', 2);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(rows).toEqual(bodyOf<Register>(whole).agreements);
    expect((rows as { title: string }[]).map((r) => r.title)).toEqual(['alpha', 'bravo', 'Charlie', 'Delta', 'Echo']);
  });

  test('a filtered register pages within the filter, and the counts stay those of the whole register', async () => {
    const res = await api.admin.get(withQuery('/agreements', { status: 'drafted', limit: '2' }));
    const first = bodyOf<Register>(res);
    expect(first.agreements.map((a) => a.title)).toEqual(['bravo', 'Charlie']);
    expect(first.counts.total).toBe(TITLES.length);
    expect(first.next).not.toBeNull();
    const rest = bodyOf<Register>(
      await api.admin.get(withQuery('/agreements', { status: 'drafted', limit: '2', cursor: first.next ?? '' })),
    );
    expect(rest.agreements.map((a) => a.title)).toEqual(['Echo']);
    expect(rest.next).toBeNull();
  });

  test('boards page by name, decisions oldest first', async () => {
    const boards = await pageThrough('/boards', 'boards', 1);
    expect((boards.rows as { name: string }[]).map((b) => b.name)).toEqual([
      'anglia board',
      'Mercia Board',
      'Wessex Board',
    ]);
    const decisions = await pageThrough('/decisions', 'decisions', 3);
    expect(decisions.pages.map((p) => p.length)).toEqual([3, 1]);
    expect((decisions.rows as { decisionId: string }[]).map((d) => d.decisionId)).toEqual([
      'decision-0',
      'decision-1',
      'decision-2',
      'decision-3',
    ]);
  });

  test('alerts page most severe first, then latest raised, as the whole list orders them', async () => {
    await eventually(async () => bodyOf<AlertsBody>(await api.admin.get('/alerts?status=open')).alerts.length >= 3);
    const whole = bodyOf<AlertsBody>(await api.admin.get('/alerts?status=open'));
    expect(whole.alerts.length).toBeGreaterThanOrEqual(3);
    const { rows } = await pageThrough('/alerts', 'alerts', 2, { status: 'open' });
    expect(rows).toEqual(whole.alerts);
    expect(new Set((rows as { alertId: string }[]).map((a) => a.alertId)).size).toBe(rows.length);
  });

  test('savings by agreement page by agreement then year; by year they are totals with next null', async () => {
    const { pages, rows } = await pageThrough('/savings', 'savings', 3);
    expect(pages.map((p) => p.length)).toEqual([3, 1]);
    expect(
      (rows as { agreementId: string; financialYear: string }[]).map((r) => `${r.agreementId} ${r.financialYear}`),
    ).toEqual(['paged-0 2014-15', 'paged-0 2015-16', 'paged-1 2014-15', 'paged-1 2015-16']);
    const byYear = await api.admin.get(withQuery('/savings', { by: 'year', limit: '1' }));
    expect(byYear.body).toMatchObject({ by: 'year', next: null });
    expect(bodyOf<{ savings: unknown[] }>(byYear).savings).toHaveLength(2);
  });

  test.each([
    ['agreement', (r: BenefitsRow) => r.agreementId, ['paged-0', 'paged-1']],
    ['force', (r: BenefitsRow) => r.force, PARTIES],
    ['year', (r: BenefitsRow) => `${r.period?.from} ${r.period?.to}`, ['2014-15 2014-15', '2015-16 2015-16']],
  ])('benefits by %s page by the group key, each row once', async (by, keyOf, keys) => {
    const { pages, rows } = await pageThrough('/benefits', 'benefits', 1, { by });
    expect(pages.map((p) => p.length)).toEqual([1, 1]);
    expect((rows as BenefitsRow[]).map(keyOf)).toEqual(keys);
    const whole = await api.admin.get(withQuery('/benefits', { by }));
    expect(rows).toEqual(bodyOf<{ benefits: unknown[] }>(whole).benefits);
  });

  test("a body's collaborations page by title", async () => {
    const { pages, rows } = await pageThrough('/bodies/hampshire/collaborations', 'collaborations', 1, {
      asOf: '2016-01-01',
    });
    expect(pages).toHaveLength(2);
    expect((rows as { title: string }[]).map((c) => c.title)).toEqual(['alpha', 'Delta']);
  });

  test.each([
    ['/agreements', 'limit=0', 'limit'],
    ['/agreements', 'limit=501', 'limit'],
    ['/boards', 'limit=ten', 'limit'],
    ['/decisions', 'cursor=not-a-cursor', 'cursor'],
    ['/alerts', `cursor=${Buffer.from('{"after":"constructor()"}').toString('base64url')}`, 'cursor'],
    ['/agreements', `cursor=${Buffer.from('[1]').toString('base64url')}`, 'cursor'],
    // A savings cursor (agreement and year) is not a register cursor, nor the other way round.
    ['/agreements', `cursor=${Buffer.from('{"after":["paged-0","2014-15"]}').toString('base64url')}`, 'cursor'],
    ['/savings', `cursor=${Buffer.from('{"after":["paged-0"]}').toString('base64url')}`, 'cursor'],
    // A benefits cursor by period (start and end) is not one by agreement, nor the other way round.
    ['/benefits', `cursor=${Buffer.from('{"after":["2014-15","2014-15"]}').toString('base64url')}`, 'cursor'],
    ['/benefits', `by=year&cursor=${Buffer.from('{"after":["paged-0"]}').toString('base64url')}`, 'cursor'],
  ])('%s?%s is a 400 problem naming %s', async (path, query, field) => {
    const res = await api.admin.get(`${path}?${query}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(new Set((problemOf(res).errors ?? []).map((e) => e.field))).toEqual(new Set([field]));
  });

  test('limit 500 is allowed, and a list shorter than the default page answers next null without a limit', async () => {
    expect((await api.admin.get('/agreements?limit=500')).status).toBe(200);
    expect(bodyOf<Paged>(await api.admin.get('/decisions')).next).toBeNull();
  });
});
