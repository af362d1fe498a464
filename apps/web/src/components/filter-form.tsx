import { createContext, useContext, useId, type FormEvent, type ReactNode } from 'react';

const FormId = createContext('');

/** A form that chooses what the page shows (it writes nothing): a heading, fields in a row, its buttons. */
export function FilterForm({
  heading,
  submitLabel,
  onSubmit,
  extraActions,
  children,
}: {
  heading: string;
  submitLabel: string;
  onSubmit: () => void;
  extraActions?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <form className="filters" onSubmit={submit} aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{heading}</h2>
      <div className="inline-fields">
        <FormId.Provider value={id}>{children}</FormId.Provider>
        <div className="form-actions">
          <button type="submit">{submitLabel}</button>
          {extraActions}
        </div>
      </div>
    </form>
  );
}

/** One field of a FilterForm: a text box, or a list of choices (`[value, label]`) when given them. */
export function FilterField({
  name,
  label,
  value,
  onChange,
  choices,
  anyLabel,
}: {
  name: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  choices?: readonly (readonly [value: string, label: string])[];
  /** The first choice, for "no filter" (value ''). */
  anyLabel?: string;
}) {
  const inputId = `${useContext(FormId)}-${name}`;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      {choices ? (
        <select id={inputId} value={value} onChange={(e) => onChange(e.target.value)}>
          {anyLabel === undefined ? null : <option value="">{anyLabel}</option>}
          {choices.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      ) : (
        <input id={inputId} value={value} onChange={(e) => onChange(e.target.value)} />
      )}
    </div>
  );
}
