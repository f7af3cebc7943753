// Form fields of the settings panels. A field edits a local draft and commits on Enter or when it
// loses focus; the engine validates, and its message for a rejected value is shown under the field
// (the settings store keeps it by the field's key). Escape puts the draft back.
import { type ReactNode, useEffect, useState } from 'react';
import { TIME_INPUT_UNITS, type TimeInputUnit, bestTimeUnit, parseNumber } from '../lib/format';
import { useSettings } from '../stores/stores';

export function Section({
  title,
  children,
  open = true,
  testId,
}: {
  title: string;
  children: ReactNode;
  open?: boolean;
  testId?: string;
}) {
  return (
    <details className="section" open={open} data-testid={testId}>
      <summary>{title}</summary>
      <div className="section-body">{children}</div>
    </details>
  );
}

export function FieldError({ field }: { field: string }) {
  const error = useSettings((s) => s.errors[field]);
  return error ? (
    <div className="field-error" role="alert" data-testid={`error-${field}`}>
      {error}
    </div>
  ) : null;
}

interface NumberFieldProps {
  label: string;
  field: string;
  value: number;
  unit?: string;
  step?: number;
  /** Resolves true when accepted. */
  onCommit: (value: number) => Promise<boolean> | void;
  hint?: string;
}

export function NumberField({ label, field, value, unit, step, onCommit, hint }: NumberFieldProps) {
  const [draft, setDraft] = useState(String(value));
  const [bad, setBad] = useState(false);
  useEffect(() => setDraft(String(value)), [value]);
  const commit = (): void => {
    const v = parseNumber(draft);
    if (v === null) {
      setBad(true);
      return;
    }
    setBad(false);
    if (v !== value) void onCommit(v);
  };
  return (
    <label className="field" title={hint}>
      <span className="field-label">{label}</span>
      <span className="field-input">
        <input
          data-testid={`field-${field}`}
          className={bad ? 'bad' : undefined}
          inputMode="decimal"
          step={step}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setDraft(String(value));
          }}
        />
        {unit && <span className="unit">{unit}</span>}
      </span>
      {bad && <div className="field-error">not a number</div>}
      <FieldError field={field} />
    </label>
  );
}

interface TimeRangeFieldProps {
  label: string;
  field: string;
  /** Seconds. */
  value: [number, number];
  onCommit: (value: [number, number]) => Promise<boolean> | void;
}

/** A [min, max] time pair in a unit the operator picks (s, ms, µs, ns). */
export function TimeRangeField({ label, field, value, onCommit }: TimeRangeFieldProps) {
  const [unit, setUnit] = useState<TimeInputUnit>(() => bestTimeUnit(value[0], value[1]));
  const perS = TIME_INPUT_UNITS[unit];
  const show = (s: number): string => String(Number((s * perS).toPrecision(12)));
  const [lo, setLo] = useState(show(value[0]));
  const [hi, setHi] = useState(show(value[1]));
  const [bad, setBad] = useState<string | null>(null);
  useEffect(() => {
    setLo(show(value[0]));
    setHi(show(value[1]));
    // By content: the parent may pass a new array holding the same values. (`show` depends only on
    // the unit.)
  }, [value[0], value[1], unit]);
  const commit = (): void => {
    const a = parseNumber(lo);
    const b = parseNumber(hi);
    if (a === null || b === null) {
      setBad('enter two numbers');
      return;
    }
    setBad(null);
    const next: [number, number] = [a / perS, b / perS];
    if (next[0] !== value[0] || next[1] !== value[1]) void onCommit(next);
  };
  const key = (e: React.KeyboardEvent): void => {
    if (e.key === 'Enter') commit();
  };
  return (
    <div
      className="field"
      // The pair is committed when the focus leaves both inputs, not when it moves between them.
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) commit();
      }}
    >
      <span className="field-label">{label}</span>
      <span className="field-input range">
        <input
          data-testid={`field-${field}-min`}
          aria-label={`${label} min`}
          value={lo}
          onChange={(e) => setLo(e.target.value)}
          onKeyDown={key}
        />
        <span className="unit">to</span>
        <input
          data-testid={`field-${field}-max`}
          aria-label={`${label} max`}
          value={hi}
          onChange={(e) => setHi(e.target.value)}
          onKeyDown={key}
        />
        <select
          aria-label={`${label} unit`}
          data-testid={`field-${field}-unit`}
          value={unit}
          onChange={(e) => setUnit(e.target.value as TimeInputUnit)}
        >
          {Object.keys(TIME_INPUT_UNITS).map((u) => (
            <option key={u}>{u}</option>
          ))}
        </select>
      </span>
      {bad && <div className="field-error">{bad}</div>}
      <FieldError field={field} />
    </div>
  );
}

export function SelectField<T extends string>({
  label,
  field,
  value,
  options,
  onCommit,
}: {
  label: string;
  field: string;
  value: T;
  options: readonly T[] | { value: T; label: string }[];
  onCommit: (value: T) => Promise<boolean> | void;
}) {
  const items = (options as (T | { value: T; label: string })[]).map((o) =>
    typeof o === 'string' ? { value: o, label: o } : o,
  );
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select
        data-testid={`field-${field}`}
        value={value}
        onChange={(e) => void onCommit(e.target.value as T)}
      >
        {items.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError field={field} />
    </label>
  );
}

export function TextField({
  label,
  field,
  value,
  onCommit,
  placeholder,
}: {
  label: string;
  field: string;
  value: string;
  onCommit: (v: string) => Promise<boolean> | void;
  placeholder?: string;
}) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const commit = (): void => {
    if (draft !== value) void onCommit(draft);
  };
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        data-testid={`field-${field}`}
        value={draft}
        placeholder={placeholder}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(value);
        }}
      />
      <FieldError field={field} />
    </label>
  );
}
