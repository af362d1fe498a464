import { displayActorText } from '#event-store';
import type { ImportProgress, ImportReport } from './importer.js';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** One line per record, for stderr while the import runs. */
export function formatProgress(p: ImportProgress): string {
  const width = String(p.total).length;
  const what = p.outcome === 'imported' ? `imported (${plural(p.eventsAppended, 'event')})` : p.outcome;
  return `import [${String(p.done).padStart(width)}/${p.total}] ${p.recordId}: ${what}`;
}

/** The counts: what was appended and what earlier runs had already done. */
export function formatSummary(report: ImportReport): string[] {
  const a = report.agreements;
  const b = report.bodies;
  return [
    `Imported ${report.source} as ${displayActorText(report.actor)}.`,
    `Agreements: ${a.total} in the file — ${a.imported} imported, ${a.unchanged} unchanged, ${a.refused} refused, ${a.notImported} not imported.`,
    `Bodies: ${b.total} in the file — ${b.registered} registered, ${b.unchanged} unchanged, ${b.alreadyRegistered} already registered, ${b.refused} refused.`,
    `Boards: ${report.boards.total} in the file — ${report.boards.imported} imported, ${report.boards.unchanged} unchanged, ${report.boards.refused} refused.`,
    `Publications (s23E): ${report.publications.published} published, ${report.publications.unchanged} unchanged, ${report.publications.alreadyPublished} already published, ${report.publications.refused} refused, ${report.publications.notPublished} not published.`,
    `Events: ${report.eventsAppended} appended, ${report.eventsReplayed} replayed (already recorded by an earlier import).`,
  ];
}

export function formatFailures(report: ImportReport): string[] {
  return [
    ...report.failures.map((f) => `Refused ${f.recordId} (${f.step}): ${f.message} [${f.code}]`),
    ...report.preregisteredBodies.map((p) => `Kept ${p.bodyId} as already registered: ${p.message}`),
    ...report.notImported.map((n) => `Not imported ${n.recordId}: ${n.reason}`),
  ];
}

/**
 * What the file assumed where its sources say nothing: the general assumptions, then each
 * distinct assumption once with the records it applies to.
 */
export function formatAssumptions(report: ImportReport): string[] {
  const general = report.assumptions.filter((a) => a.recordId === null).map((a) => a.text);
  const byText = new Map<string, string[]>();
  for (const { recordId, text } of report.assumptions) {
    if (recordId !== null) byText.set(text, [...(byText.get(text) ?? []), recordId]);
  }
  return [
    `Assumptions (${report.assumptions.length}, ${general.length + byText.size} distinct):`,
    ...general.map((text) => `  - ${text}`),
    ...[...byText].flatMap(([text, records]) => [`  - ${text}`, `      for ${records.join(', ')}`]),
  ];
}

export function formatReport(report: ImportReport): string {
  const failures = formatFailures(report);
  return [
    ...formatSummary(report),
    ...(failures.length > 0 ? ['', ...failures] : []),
    '',
    ...formatAssumptions(report),
    '',
  ].join('\n');
}
