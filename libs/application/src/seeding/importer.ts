import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { CommandBus } from '@nestjs/cqrs';
import {
  approvalAskedOf,
  DomainError,
  type AgreementCommand,
  type BodyKind,
  type BodyRef,
  type BenefitCommand,
  type BoardCommand,
  type DeliveryModel,
  type AgreementScope,
  type DatedFactRef,
  type LegalBasis,
  inForceSentence,
} from '#domain';
import { actorText, IdempotencyKeyReusedError } from '#event-store';
import {
  ExecuteAgreementCommand,
  ExecuteBenefitCommand,
  ExecuteBoardCommand,
  ExecuteBodyRegistryCommand,
  ExecutePublicationCommand,
} from '../commands/aggregate-commands.js';
import type { CommandContext, WriteResult } from '../commands/command-runner.js';
import type { ReferenceData } from '../commands/reference-data.js';
import { stamp } from '../commands/validators.js';
import type { Clock } from '#platform';
import type { SeedAgreement, SeedBoard, SeedBody, SeedFile } from './seed-file.js';
import { seedPublicationOf } from './seed-publication.js';

/*
 * Imports a seed file through the command bus, exactly as the HTTP API records facts: the same
 * @nestjs/cqrs handlers, deciders and reference data. Every command carries an idempotency key
 * made of the record id and the step, and a fingerprint of what the file says for that step, so
 * a second run is answered from the keys and appends nothing. Nothing is read to decide whether
 * a step is needed: the keys are the only way a step is skipped.
 */

export interface ImportDependencies {
  bus: CommandBus;
  references: ReferenceData;
  clock: Clock;
}

export type RecordOutcome = 'imported' | 'unchanged' | 'refused' | 'not-imported';

export interface ImportProgress {
  done: number;
  total: number;
  recordId: string;
  outcome: RecordOutcome;
  eventsAppended: number;
}

export interface ImportOptions {
  /** The seed file's path or name; the actor is `system:import (<file name>)`. */
  source: string;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportFailure {
  /** An agreement id, or `body:<id>`. */
  recordId: string;
  /** The step the domain refused (`draft`, `sign:dorset`, `register`, ...). */
  step: string;
  /** The domain error's stable code, or `changed-since-import`. */
  code: string;
  message: string;
}

export interface ImportReport {
  source: string;
  actor: string;
  agreements: { total: number; imported: number; unchanged: number; refused: number; notImported: number };
  bodies: { total: number; registered: number; unchanged: number; alreadyRegistered: number; refused: number };
  boards: { total: number; imported: number; unchanged: number; refused: number };
  /** s23E publication of the imported agreements (seed-publication.ts); `alreadyPublished`: published through the API before. */
  publications: {
    published: number;
    unchanged: number;
    alreadyPublished: number;
    refused: number;
    notPublished: number;
  };
  /**
   * Events the steps appended. A step's decider emits one event, but for these: a draft with a planned start
   * (AgreementDrafted and AgreementStartPlanned) or a declared membership (with MembershipDeclared), and the
   * signature or approval completing a variation (with VariationTookEffect); those are counted by the revisions
   * they moved their stream (StepCounter).
   */
  eventsAppended: number;
  /** Events of the steps answered from their idempotency key: recorded by an earlier run. */
  eventsReplayed: number;
  failures: ImportFailure[];
  /** Bodies the domain says someone registered before (not through this import); kept as registered. */
  preregisteredBodies: { bodyId: string; message: string }[];
  notImported: { recordId: string; reason: string }[];
  assumptions: { recordId: string | null; text: string }[];
}

export const importActor = (source: string): string =>
  actorText({ kind: 'system', sub: 'import', force: null, issuer: null, source: basename(source) });

const fingerprint = (step: string, input: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify([step, input]))
    .digest('hex');

/** The file's order, except that a parent in the same file comes before its units. */
export function parentsFirst(agreements: readonly SeedAgreement[]): SeedAgreement[] {
  const byId = new Map(agreements.map((a) => [a.id, a]));
  const placed = new Set<string>();
  const ordered: SeedAgreement[] = [];
  const place = (a: SeedAgreement, visiting: Set<string>): void => {
    if (placed.has(a.id)) return;
    const parent = a.parentId === null ? undefined : byId.get(a.parentId);
    // A cycle is sent as it is: the domain refuses what cannot be recorded.
    if (parent && !visiting.has(parent.id)) place(parent, new Set(visiting).add(a.id));
    placed.add(a.id);
    ordered.push(a);
  };
  for (const a of agreements) place(a, new Set([a.id]));
  return ordered;
}

class StepCounter {
  appended = 0;
  replayed = 0;
  /** `events`: how many the step wrote (an earlier run, for a replay), when it may be more than one. */
  count(result: WriteResult, events = 1): void {
    if (result.replayed) this.replayed += events;
    else this.appended += events;
  }
}

class RecordRefused extends Error {
  constructor(readonly failure: ImportFailure) {
    super(failure.message);
  }
}

/**
 * Runs one step: a domain refusal or a key already used for different content ends the record
 * (what the file says changed since it was imported, and the import does not rewrite history);
 * anything else (the database is down) ends the import.
 */
async function step(
  recordId: string,
  stepName: string,
  counter: StepCounter,
  send: () => Promise<WriteResult>,
  eventsOf: (result: WriteResult) => number = () => 1,
): Promise<WriteResult> {
  try {
    const result = await send();
    counter.count(result, eventsOf(result));
    return result;
  } catch (error) {
    if (error instanceof DomainError) {
      throw new RecordRefused({ recordId, step: stepName, code: error.code, message: error.message });
    }
    if (error instanceof IdempotencyKeyReusedError) {
      throw new RecordRefused({
        recordId,
        step: stepName,
        code: 'changed-since-import',
        message:
          `The file's "${recordId}" (${stepName}) differs from what an earlier import recorded. ` +
          'An import never rewrites recorded facts: record the change through the API (a variation, a party joining, ...) instead.',
      });
    }
    throw error;
  }
}

/** The assumption the import prints for a record whose dates are not days (issue 15). */
const precisionAssumption = (a: SeedAgreement): string =>
  a.inForceFrom === null
    ? `Draft date recorded with precision "${a.datePrecision}" (${a.draftedOn}).`
    : `Dates recorded with precision "${a.datePrecision}" (drafted, signed, approved and in force): shown as ` +
      `"${inForceSentence({ date: a.inForceFrom, precision: a.datePrecision })}".`;

/**
 * Issue 15: how exactly the record's dates are known, as a step of its own after them (RecordDatePrecision, key
 * `import:<id>:date-precision`) rather than a field of their commands. The fingerprints of the steps before stay
 * those earlier imports recorded, so a database imported before the file had precisions reopens without refusals
 * and gains this one step; a fresh import writes the same events. Nothing for a record dated to the day.
 */
async function recordPrecision(
  a: SeedAgreement,
  parties: readonly BodyRef[],
  send: (key: string, input: unknown, command: AgreementCommand) => Promise<unknown>,
  clock: Clock,
): Promise<void> {
  if (a.datePrecision === 'day') return;
  const facts: DatedFactRef[] =
    a.status === 'drafted'
      ? [{ fact: 'drafted', party: null }]
      : [
          { fact: 'drafted', party: null },
          ...parties.map((p) => ({ fact: 'signed' as const, party: p.id })),
          ...parties
            .filter((p) => approvalAskedOf({ body: p, capacity: null }))
            .map((p) => ({ fact: 'approved' as const, party: p.id })),
          { fact: 'in-force', party: null },
        ];
  const reason =
    a.datePrecision === 'on-or-before'
      ? a.status === 'drafted'
        ? 'The source gives only the latest day by which the agreement was drafted (see the assumptions).'
        : 'The source gives only the latest day by which the agreement was in operation (see the assumptions).'
      : `The source gives only the ${a.datePrecision} (see the assumptions).`;
  const input = { agreementId: a.id, facts, precision: a.datePrecision, reason };
  await send('date-precision', input, stamp('RecordDatePrecision', input, clock));
}

export async function importSeed(
  deps: ImportDependencies,
  seed: SeedFile,
  options: ImportOptions,
): Promise<ImportReport> {
  const { bus, references, clock } = deps;
  const actor = importActor(options.source);
  const context = (recordId: string, key: string, stepName: string, input: unknown): CommandContext => ({
    actor,
    correlationId: `import:${recordId}`,
    idempotency: { key, fingerprint: fingerprint(stepName, input) },
  });

  const report: ImportReport = {
    source: options.source,
    actor,
    agreements: { total: seed.agreements.length, imported: 0, unchanged: 0, refused: 0, notImported: 0 },
    bodies: { total: seed.bodies.length, registered: 0, unchanged: 0, alreadyRegistered: 0, refused: 0 },
    boards: { total: seed.boards.length, imported: 0, unchanged: 0, refused: 0 },
    publications: { published: 0, unchanged: 0, alreadyPublished: 0, refused: 0, notPublished: 0 },
    eventsAppended: 0,
    eventsReplayed: 0,
    failures: [],
    preregisteredBodies: [],
    notImported: [],
    assumptions: [
      ...seed.assumptions.map((text) => ({ recordId: null, text })),
      ...seed.agreements.flatMap((a) => [
        ...a.assumptions.map((text) => ({ recordId: a.id, text })),
        ...(a.datePrecision === 'day' ? [] : [{ recordId: a.id, text: precisionAssumption(a) }]),
      ]),
      ...seed.boards.flatMap((b) => b.assumptions.map((text) => ({ recordId: `board:${b.id}`, text }))),
    ],
  };

  const registerBody = async (body: SeedBody): Promise<void> => {
    const counter = new StepCounter();
    const input = { bodyId: body.id, name: body.name, kind: body.kind };
    try {
      await step(`body:${body.id}`, 'register', counter, () =>
        bus.execute(
          new ExecuteBodyRegistryCommand(
            stamp('RegisterBody', { ...input, kind: body.kind as BodyKind }, clock),
            context(`body:${body.id}`, `import:bodies/${body.id}`, 'RegisterBody', input),
          ),
        ),
      );
      if (counter.appended > 0) report.bodies.registered++;
      else report.bodies.unchanged++;
    } catch (error) {
      if (!(error instanceof RecordRefused)) throw error;
      // The body exists, registered by someone else: the agreements that name it can still use it.
      if (error.failure.code === 'body-already-registered') {
        report.bodies.alreadyRegistered++;
        report.preregisteredBodies.push({ bodyId: body.id, message: error.failure.message });
      } else {
        report.bodies.refused++;
        report.failures.push(error.failure);
      }
    }
    report.eventsAppended += counter.appended;
    report.eventsReplayed += counter.replayed;
  };

  const importAgreement = async (a: SeedAgreement, counter: StepCounter): Promise<void> => {
    const agreementId = a.id;
    /** `input` is what the file says for the step: its fingerprint, so resolved reference data may change without breaking replays. */
    const send = (
      key: string,
      input: unknown,
      command: AgreementCommand,
      eventsOf?: (result: WriteResult) => number,
    ): Promise<WriteResult> =>
      step(
        agreementId,
        key,
        counter,
        () =>
          bus.execute(
            new ExecuteAgreementCommand(
              command,
              context(agreementId, `import:${agreementId}:${key}`, command.type, input),
            ),
          ),
        eventsOf,
      );

    let parties: BodyRef[];
    let parent: { agreementId: string; exists: boolean } | null;
    try {
      // The same resolution as POST /agreements: reference data and the body registry, through the store.
      parties = await references.bodies(a.parties, 'parties');
      parent = a.parentId === null ? null : await references.agreement(a.parentId);
    } catch (error) {
      if (error instanceof DomainError)
        throw new RecordRefused({ recordId: agreementId, step: 'draft', code: error.code, message: error.message });
      throw error;
    }

    const draft = {
      agreementId,
      title: a.title,
      legalBasis: a.legalBasis,
      scope: a.scope,
      businessArea: a.businessArea,
      deliveryModel: a.deliveryModel,
      parties: a.parties,
      hostForce: a.hostForce,
      parentId: a.parentId,
      reviewDue: a.reviewDue,
      // Only when planned (seed 002's drafts): the fingerprints of the drafts imported before stay as they were.
      ...(a.plannedStart === null ? {} : { plannedStart: a.plannedStart }),
      occurredAt: a.draftedOn,
      // Only where the record has one, so every other record's draft keeps the fingerprint earlier imports recorded.
      ...(a.declaredMembership === null ? {} : { declaredMembership: a.declaredMembership }),
    };
    await send(
      'draft',
      draft,
      stamp(
        'DraftAgreement',
        {
          agreementId,
          title: a.title,
          // Checked by the decider, as for any client.
          legalBasis: a.legalBasis as LegalBasis,
          scope: a.scope as AgreementScope | null,
          businessArea: a.businessArea,
          deliveryModel: a.deliveryModel as DeliveryModel,
          parties,
          hostForce: a.hostForce,
          parent,
          reviewDue: a.reviewDue,
          declaredMembership: a.declaredMembership,
          plannedStart: a.plannedStart,
          occurredAt: a.draftedOn,
        },
        clock,
      ),
      // The stream's first write: its events are its revision plus one (more with a planned start or a declared
      // membership).
      (result) => result.revision + 1,
    );
    if (a.status === 'drafted') {
      await recordPrecision(a, parties, send, clock);
      await recordStory(a, parties, send, counter);
      return;
    }

    for (const party of parties) {
      const signature = { agreementId, party: party.id, signedBy: seed.signatory, occurredAt: a.signedOn };
      await send(`sign:${party.id}`, signature, stamp('SignAgreement', signature, clock));
      // Police Act 1996 s22A: only a party with a local policing body has an approval to give (the seed file records
      // no capacities, so every such party is asked it: parties.ts).
      if (approvalAskedOf({ body: party, capacity: null })) {
        const approval = { agreementId, party: party.id, occurredAt: a.approvedOn };
        await send(`approve:${party.id}`, approval, stamp('GivePccApproval', approval, clock));
      }
    }

    const commencement = { agreementId, occurredAt: a.inForceFrom };
    await send('in-force', commencement, stamp('BringIntoForce', commencement, clock));
    await recordPrecision(a, parties, send, clock);
    await recordStory(a, parties, send, counter);
  };

  /**
   * Issue 15 item 8 (seed 002): what happened to the agreement after it was made, each fact a step of its own after
   * the ones before, so records imported before keep their fingerprints and gain only these: the terms
   * (`terms:<n>`), the service lines (`service-line:<id>`), the variations (`variation:<id>`, then
   * `variation:<id>:sign:<party>` and `variation:<id>:approve:<party>`), the host changes (`host:<n>`), the service
   * lines' endings (`service-line:<id>:end`), the re-plannings of a draft's start (`replan:<n>`), and the benefits
   * ledger (`benefit:<entry>`), each as the API's route sends it.
   */
  const recordStory = async (
    a: SeedAgreement,
    parties: readonly BodyRef[],
    send: (
      key: string,
      input: unknown,
      command: AgreementCommand,
      eventsOf?: (result: WriteResult) => number,
    ) => Promise<WriteResult>,
    counter: StepCounter,
  ): Promise<void> => {
    const agreementId = a.id;
    for (const [i, t] of a.terms.entries()) {
      const input = { agreementId, effectiveFrom: t.effectiveFrom, terms: t.terms, occurredAt: t.setOn };
      await send(`terms:${i + 1}`, input, stamp('SetTerms', input, clock));
    }
    for (const line of a.serviceLines) {
      const input = { agreementId, serviceLineId: line.id, name: line.name, occurredAt: line.from };
      await send(`service-line:${line.id}`, input, stamp('AddServiceLine', input, clock));
    }
    for (const v of a.variations) {
      const proposal = {
        agreementId,
        variationId: v.id,
        summary: v.summary,
        proposedTerms: v.proposedTerms,
        effectiveFrom: v.effectiveFrom,
        occurredAt: v.proposedOn,
      };
      let last = await send(`variation:${v.id}`, proposal, stamp('ProposeVariation', proposal, clock));
      // Sent one after another on the stream, so a step's events are the revisions since the one before: the
      // signature or approval completing the variation also records VariationTookEffect.
      const since = (before: WriteResult) => (result: WriteResult) => Math.max(1, result.revision - before.revision);
      for (const party of parties) {
        const signature = {
          agreementId,
          variationId: v.id,
          party: party.id,
          signedBy: seed.signatory,
          occurredAt: v.signedOn,
        };
        last = await send(
          `variation:${v.id}:sign:${party.id}`,
          signature,
          stamp('SignVariation', signature, clock),
          since(last),
        );
      }
      // As for the agreement's own approvals: the seed file records no capacities (parties.ts).
      for (const party of parties.filter((p) => approvalAskedOf({ body: p, capacity: null }))) {
        const approval = { agreementId, variationId: v.id, party: party.id, occurredAt: v.approvedOn };
        last = await send(
          `variation:${v.id}:approve:${party.id}`,
          approval,
          stamp('ApproveVariation', approval, clock),
          since(last),
        );
      }
    }
    for (const [i, h] of a.hostChanges.entries()) {
      const input = { agreementId, hostForce: h.hostForce, occurredAt: h.on };
      await send(`host:${i + 1}`, input, stamp('ChangeHostForce', input, clock));
    }
    for (const line of a.serviceLines) {
      if (line.until === null) continue;
      const input = { agreementId, serviceLineId: line.id, reason: line.endReason ?? '', occurredAt: line.until };
      await send(`service-line:${line.id}:end`, input, stamp('EndServiceLine', input, clock));
    }
    for (const [i, p] of a.replans.entries()) {
      const input = { agreementId, plannedStart: p.plannedStart, reason: p.reason, occurredAt: p.on };
      await send(`replan:${i + 1}`, input, stamp('ReplanStart', input, clock));
    }
    for (const b of a.benefits) {
      const source = seed.sources.find((s) => s.id === b.source);
      const entry = {
        kind: b.kind,
        status: b.status,
        amountPence: b.amountPence,
        description: b.description,
        measure: b.measure,
        financialYear: b.financialYear,
        period: b.period,
        attributedTo: b.attributedTo,
        // The ledger cites the document by its id and title, as the publication's reference does.
        source: source === undefined ? b.source : `source ${source.id}: ${source.title}`,
        note: b.note,
      };
      const input = { agreementId, entryId: b.id, entry };
      await step(agreementId, `benefit:${b.id}`, counter, async () => {
        const agreement = await references.benefitFacts(agreementId);
        const command: BenefitCommand = stamp('RecordBenefit', { ...input, agreement }, clock);
        return bus.execute(
          new ExecuteBenefitCommand(
            command,
            context(agreementId, `import:${agreementId}:benefit:${b.id}`, 'RecordBenefit', input),
          ),
        );
      });
    }
  };

  /** A board and its meetings, after the agreements it oversees: each step one command, as POST /boards and its routes. */
  const importBoard = async (b: SeedBoard, counter: StepCounter): Promise<void> => {
    const recordId = `board:${b.id}`;
    const send = (key: string, input: unknown, command: BoardCommand) =>
      step(recordId, key, counter, () =>
        bus.execute(
          new ExecuteBoardCommand(command, context(recordId, `import:boards/${b.id}:${key}`, command.type, input)),
        ),
      );
    const agreements = await Promise.all(b.agreements.map((id) => references.agreement(id)));
    const establish = {
      boardId: b.id,
      name: b.name,
      chair: b.chair,
      maxDaysBetweenMeetings: b.maxDaysBetweenMeetings,
      quorum: b.quorum,
      rearrangeWithinDays: b.rearrangeWithinDays,
      occurredAt: b.establishedOn,
    };
    await send(
      'establish',
      { ...establish, agreements: b.agreements },
      stamp('EstablishBoard', { ...establish, agreements }, clock),
    );
    for (const m of b.meetings) {
      const schedule = { boardId: b.id, meetingId: m.id, scheduledFor: m.scheduledFor };
      await send(`schedule:${m.id}`, schedule, stamp('ScheduleMeeting', schedule, clock));
      if (m.outcome === 'held') {
        const held = { boardId: b.id, meetingId: m.id, occurredAt: m.on, attendees: m.attendees };
        await send(`held:${m.id}`, held, stamp('HoldMeeting', held, clock));
      } else {
        const cancelled = {
          boardId: b.id,
          meetingId: m.id,
          reason: m.reason ?? 'reason not given in the source',
          occurredAt: m.on,
        };
        await send(`cancel:${m.id}`, cancelled, stamp('CancelMeeting', cancelled, clock));
      }
    }
  };

  /** s23E: each imported agreement published as its source was (key `import:<id>:publish`), after everything else. */
  const publishAgreements = async (agreements: SeedAgreement[], refused: Set<string>): Promise<void> => {
    for (const a of agreements) {
      if (a.skip !== null || refused.has(a.id)) continue;
      const { publication, assumption } = seedPublicationOf(seed, a);
      report.assumptions.push({ recordId: a.id, text: assumption });
      if (publication === null) {
        report.publications.notPublished++;
        continue;
      }
      const counter = new StepCounter();
      try {
        const command = stamp('PublishAgreement', { ...publication, documentUrl: null }, clock);
        await step(a.id, 'publish', counter, () =>
          bus.execute(
            new ExecutePublicationCommand(
              command,
              context(a.id, `import:${a.id}:publish`, 'PublishAgreement', publication),
            ),
          ),
        );
        if (counter.appended > 0) report.publications.published++;
        else report.publications.unchanged++;
      } catch (error) {
        if (!(error instanceof RecordRefused)) throw error;
        // Published through the API before this import published anything: that publication stands.
        if (error.failure.code === 'already-published') report.publications.alreadyPublished++;
        else {
          report.publications.refused++;
          report.failures.push(error.failure);
        }
      }
      report.eventsAppended += counter.appended;
      report.eventsReplayed += counter.replayed;
    }
  };

  for (const body of seed.bodies) await registerBody(body);

  const ordered = parentsFirst(seed.agreements);
  const total = ordered.length + seed.boards.length;
  let done = 0;
  /** Runs one record's steps, counts its outcome in `tally` and reports progress. */
  const importRecord = async (
    recordId: string,
    tally: { imported: number; unchanged: number; refused: number },
    run: (counter: StepCounter) => Promise<void>,
    skip: string | null = null,
  ): Promise<void> => {
    const counter = new StepCounter();
    let outcome: RecordOutcome;
    if (skip !== null) {
      outcome = 'not-imported';
      report.agreements.notImported++;
      report.notImported.push({ recordId, reason: skip });
    } else {
      try {
        await run(counter);
        outcome = counter.appended > 0 ? 'imported' : 'unchanged';
        tally[outcome]++;
      } catch (error) {
        if (!(error instanceof RecordRefused)) throw error;
        outcome = 'refused';
        tally.refused++;
        report.failures.push(error.failure);
      }
    }
    report.eventsAppended += counter.appended;
    report.eventsReplayed += counter.replayed;
    options.onProgress?.({ done: ++done, total, recordId, outcome, eventsAppended: counter.appended });
  };
  for (const a of ordered) await importRecord(a.id, report.agreements, (c) => importAgreement(a, c), a.skip);
  // Lineage after every agreement is drafted: a record may replace one further down the file (NPAS, Gwent's).
  const refused = new Set(report.failures.map((f) => f.recordId));
  for (const a of ordered) {
    if (a.skip !== null || refused.has(a.id)) continue;
    const counter = new StepCounter();
    try {
      for (const supersededId of a.supersedes) {
        // A draft (seed 002's forensics proposal) replaces its predecessor as of the day it was drafted.
        const occurredAt = a.inForceFrom ?? a.draftedOn;
        const input = { agreementId: a.id, supersedes: supersededId, occurredAt };
        const superseded = await references.agreement(supersededId);
        await step(a.id, `supersedes:${supersededId}`, counter, () =>
          bus.execute(
            new ExecuteAgreementCommand(
              stamp('RecordSupersession', { agreementId: a.id, superseded, occurredAt }, clock),
              context(a.id, `import:${a.id}:supersedes:${supersededId}`, 'RecordSupersession', input),
            ),
          ),
        );
      }
    } catch (error) {
      if (!(error instanceof RecordRefused)) throw error;
      report.failures.push(error.failure);
    }
    report.eventsAppended += counter.appended;
    report.eventsReplayed += counter.replayed;
  }
  for (const b of seed.boards) await importRecord(`board:${b.id}`, report.boards, (c) => importBoard(b, c));
  await publishAgreements(ordered, new Set(report.failures.map((f) => f.recordId)));
  return report;
}

/** True when the domain refused nothing (records marked "skip" are not failures). */
export const importSucceeded = (report: ImportReport): boolean => report.failures.length === 0;
