import { useId } from 'react';
import { formatDate, formatDateTime } from '../format';
import type { Decision } from '../pages/types';
import { href } from '../router';

const makerText = (m: NonNullable<Decision['madeBy']>): string =>
  m.kind === 'board' ? 'the board' : (m.name ?? m.kind);

/**
 * The decisions log of one agreement or board. A page shows what it is not itself about: an agreement's
 * decisions name their board, a board's name their meeting.
 */
export function Decisions({ decisions, on }: { decisions: Decision[]; on: 'agreement' | 'board' }) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-dec`}>
      <h2 id={`${id}-dec`}>Decisions</h2>
      {decisions.length ? (
        <ul>
          {decisions.map((d) => (
            <li key={d.decisionId}>
              {formatDate(d.decidedOn)}
              {on === 'board' && d.meetingId ? ` (meeting ${d.meetingId})` : ''}: {d.summary}
              {d.madeBy ? ` Made by ${makerText(d.madeBy)}.` : ''}
              {d.decisionNotice ? (
                <>
                  {' '}
                  Decision notice{' '}
                  {d.decisionNotice.url ? (
                    <a href={d.decisionNotice.url} rel="noopener noreferrer">
                      {d.decisionNotice.number}
                    </a>
                  ) : (
                    d.decisionNotice.number
                  )}
                  .
                </>
              ) : null}
              {d.approvedBy.length ? ` Approved by ${d.approvedBy.join(', ')}.` : ''}
              {d.variationId ? ` About variation ${d.variationId}.` : ''}{' '}
              <span className="muted">
                (
                {on === 'agreement' ? (
                  <>{d.boardId ? <a href={href(['boards', d.boardId])}>board {d.boardId}</a> : 'no board'}; </>
                ) : null}
                recorded by {d.recordedBy}, {formatDateTime(d.recordedAt)})
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p>No decisions recorded.</p>
      )}
    </section>
  );
}
