import { post } from '../api';
import { dateField, referenceField, WriteForm, type FieldSpec } from './write-form';

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
        dateField('occurredAt', 'Decided on'),
      ]}
      submit={(v) =>
        post('/decisions', {
          id: v.id,
          summary: v.summary,
          occurredAt: v.occurredAt,
          ...about,
          ...Object.fromEntries(choices.filter((c) => v[c.name]).map((c) => [c.name, v[c.name]])),
          expectedRevision: -1,
        })
      }
      reload={reload}
    />
  );
}
