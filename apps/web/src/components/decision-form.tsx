import { post } from '../api';
import { choiceField, dateField, referenceField, WriteForm, type FieldSpec } from './write-form';

/**
 * Records a decision from the page of what it is about (an agreement, or a board and perhaps one of its
 * meetings). A decision is a new stream, so it is always written against revision -1.
 */
export function DecisionForm({
  title,
  about,
  choices = [],
  reload,
}: {
  title: string;
  /** What the page is about: sent with every decision recorded here. */
  about: { boardId?: string; agreementId?: string };
  /** Further optional select fields (meetingId, agreementId): left empty, they are not sent. */
  choices?: FieldSpec[];
  reload: (position: string | null) => void;
}) {
  return (
    <WriteForm
      title={title}
      submitLabel="Record decision"
      fields={[
        referenceField('id', 'Decision reference', 'tarian-2016-03-budget'),
        { name: 'summary', label: 'What was decided', type: 'textarea', required: true },
        ...choices,
        choiceField(
          'madeBy',
          'Made by',
          [
            { value: 'board', label: 'The board' },
            { value: 'pcc', label: 'A police and crime commissioner (or mayor, PFCC)' },
            { value: 'chief-officer', label: 'A chief officer' },
            { value: 'other', label: 'Another body' },
          ],
          false,
        ),
        {
          name: 'makerBody',
          label: 'Force of that commissioner or chief officer',
          hint: 'The force id, e.g. thames-valley.',
        },
        { name: 'makerName', label: 'Name of the other body', hint: 'e.g. Home Secretary.' },
        { name: 'noticeNumber', label: 'Decision notice number', hint: 'e.g. PCC 2015/017.' },
        { name: 'noticeUrl', label: 'Decision notice link', hint: 'An https:// address.' },
        {
          name: 'approvedBy',
          label: 'Parties that approved it',
          hint: 'Force ids separated by commas; they must be parties of the agreement.',
        },
        dateField('occurredAt', 'Decided on'),
      ]}
      submit={(v) =>
        post('/decisions', {
          id: v.id,
          summary: v.summary,
          occurredAt: v.occurredAt,
          ...about,
          ...Object.fromEntries(choices.filter((c) => v[c.name]).map((c) => [c.name, v[c.name]])),
          ...(v.madeBy
            ? {
                madeBy: {
                  kind: v.madeBy,
                  ...(v.makerBody ? { bodyId: v.makerBody } : {}),
                  ...(v.makerName ? { name: v.makerName } : {}),
                },
              }
            : {}),
          ...(v.noticeNumber
            ? { decisionNotice: { number: v.noticeNumber, ...(v.noticeUrl ? { url: v.noticeUrl } : {}) } }
            : {}),
          ...(v.approvedBy
            ? {
                approvedBy: v.approvedBy
                  .split(',')
                  .map((x) => x.trim())
                  .filter(Boolean),
              }
            : {}),
          expectedRevision: -1,
        })
      }
      reload={reload}
    />
  );
}
