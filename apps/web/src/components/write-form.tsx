import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { ApiError, type FieldProblem, type Problem, type WriteResult } from '../api';

export interface FieldSpec {
  name: string;
  label: string;
  type?: 'text' | 'date' | 'textarea' | 'select' | 'number';
  options?: { value: string; label: string }[];
  required?: boolean;
  hint?: string;
  defaultValue?: string;
}

export type Values = Record<string, string>;

/** A date the fact happened on (or will): always required, since every fact is dated. */
export const dateField = (name: string, label: string): FieldSpec => ({ name, label, type: 'date', required: true });

export const choiceField = (
  name: string,
  label: string,
  options: { value: string; label: string }[],
  required = true,
): FieldSpec => ({ name, label, type: 'select', options, required });

/** A reference the user chooses for a new record: the API accepts letters, digits, dots and hyphens. */
export const referenceField = (name: string, label: string, example: string): FieldSpec => ({
  name,
  label,
  required: true,
  hint: `Letters, digits, dots, hyphens: e.g. ${example}`,
});

/**
 * The forms of one record's page. Every form there writes against the revision the page read, so a
 * write by someone else in between is refused and the page reloads (WriteForm's `reload`).
 */
export function RecordForms({
  heading,
  revision,
  of,
  children,
}: {
  heading: string;
  revision: number;
  /** What the revision is of: "this agreement". */
  of: string;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <section aria-labelledby={`${id}-rec`} className="forms">
      <h2 id={`${id}-rec`}>{heading}</h2>
      <p>
        Each form records against revision {revision} of {of}: if someone else records first, the API refuses and the
        page reloads.
      </p>
      <div className="form-grid">{children}</div>
    </section>
  );
}

/** The API's field errors for one field: the field itself, or anything nested in it (`attendees[0].body`). */
const errorsFor = (name: string, errors: readonly FieldProblem[]): FieldProblem[] =>
  errors.filter((e) => e.field === name || e.field.startsWith(`${name}[`) || e.field.startsWith(`${name}.`));

/**
 * A form that records one fact through the API. It shows the API's validation messages next to the
 * fields they name and any other refusal (a broken rule, a 403, a stale revision) above the button.
 * The page sends expectedRevision and then reads with the write's position, so the result shows at once.
 */
export function WriteForm({
  title,
  fields,
  submitLabel,
  submit,
  reload,
  onDone = reload ? (result) => reload(result.position) : undefined,
  onStale = reload ? () => reload(null) : undefined,
  intro,
  autoFocus,
}: {
  title: string;
  fields: FieldSpec[];
  submitLabel: string;
  submit: (values: Values) => Promise<WriteResult>;
  /** The page's reload, for a form on a record's page: with the write's position once it is recorded, from scratch when stale. */
  reload?: (position: string | null) => void;
  onDone?: (result: WriteResult) => void;
  /** The record changed since the page read it (409 on expectedRevision): reload it. */
  onStale?: () => void;
  intro?: ReactNode;
  /** Focus the first field when the form appears (it replaced the button that opened it). */
  autoFocus?: boolean;
}) {
  const id = useId();
  const initial = () =>
    Object.fromEntries(
      fields.map((f) => [f.name, f.defaultValue ?? (f.type === 'select' ? (f.options?.[0]?.value ?? '') : '')]),
    );
  const [values, setValues] = useState<Values>(initial);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const fieldErrors = problem?.errors ?? [];
  const named = new Set(fields.flatMap((f) => errorsFor(f.name, fieldErrors)));
  const other = fieldErrors.filter((e) => !named.has(e));

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      const result = await submit(values);
      setValues(initial());
      setDone(
        result.replayed ? 'Already recorded: nothing new was written.' : `Recorded (revision ${result.revision}).`,
      );
      onDone?.(result);
    } catch (error) {
      const refused =
        error instanceof ApiError
          ? error.problem
          : { type: 'about:blank', title: 'Error', status: 0, detail: String(error) };
      setProblem(refused);
      if (refused.status === 409 && refused.errors?.some((e) => e.field === 'expectedRevision')) onStale?.();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="write-form" onSubmit={(event) => void onSubmit(event)} aria-labelledby={`${id}-title`} noValidate>
      <h3 id={`${id}-title`}>{title}</h3>
      {intro}
      {fields.map((field, index) => {
        const errors = errorsFor(field.name, fieldErrors);
        const inputId = `${id}-${field.name}`;
        const describedBy =
          [field.hint ? `${inputId}-hint` : null, errors.length ? `${inputId}-error` : null]
            .filter(Boolean)
            .join(' ') || undefined;
        const common = {
          id: inputId,
          name: field.name,
          value: values[field.name] ?? '',
          required: field.required,
          autoFocus: autoFocus && index === 0,
          'aria-invalid': errors.length > 0 ? true : undefined,
          'aria-describedby': describedBy,
          onChange: (e: { target: { value: string } }) => setValues((v) => ({ ...v, [field.name]: e.target.value })),
        };
        return (
          <div className={`field${errors.length ? ' field-error' : ''}`} key={field.name}>
            <label htmlFor={inputId}>
              {field.label}
              {field.required ? null : <span className="optional"> (optional)</span>}
            </label>
            {field.hint ? (
              <p className="hint" id={`${inputId}-hint`}>
                {field.hint}
              </p>
            ) : null}
            {errors.length ? (
              <p className="error-message" id={`${inputId}-error`}>
                {errors.map((e) => e.message).join(' ')}
              </p>
            ) : null}
            {field.type === 'textarea' ? (
              <textarea rows={3} {...common} />
            ) : field.type === 'select' ? (
              <select {...common}>
                {(field.options ?? []).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : (
              <input type={field.type ?? 'text'} {...common} />
            )}
          </div>
        );
      })}
      {problem ? (
        <div className="problem" role="alert">
          <p className="problem-title">
            <strong>
              {problem.status === 403
                ? 'Refused'
                : problem.status === 400
                  ? 'Check the fields marked above'
                  : problem.title}
            </strong>
            {problem.status ? <span className="problem-status"> (HTTP {problem.status})</span> : null}
          </p>
          {problem.status === 400 && other.length === 0 ? null : <p>{problem.detail}</p>}
          {other.length ? (
            <ul>
              {other.map((e, i) => (
                <li key={i}>{e.message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Recording…' : submitLabel}
        </button>
        <p role="status" className="form-done">
          {done}
        </p>
      </div>
    </form>
  );
}
