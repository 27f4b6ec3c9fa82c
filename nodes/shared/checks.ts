import { quoteForMessage } from '../../lib';

/**
 * The checks of a parameter's value, apart from where the value and its label come from (see ParameterReader): each
 * gives the value read, or the problem as the end of a sentence that starts with the parameter's label.
 */

/** An IdRule of the core (lib/rules/ids.ts) is a TextRule as it is: its pattern and its rule. */
export interface TextRule {
	/** Blank (or only spaces) is refused. */
	required?: boolean;
	maxLength?: number;
	/** The trimmed value must match (a blank optional value is not checked). */
	pattern?: RegExp;
	/** What the pattern asks for, completing `"Label" must be ...`. */
	rule?: string;
	/** Default true; false keeps surrounding spaces (values sent as written). */
	trim?: boolean;
}

export interface NumberRule {
	/** Whole numbers only. Default: the property's `typeOptions.numberPrecision === 0`. */
	integer?: boolean;
	/** Default: the property's `typeOptions.minValue`. */
	min?: number;
	/** Default: the property's `typeOptions.maxValue`. */
	max?: number;
	/** Strictly above this (instead of `min`). */
	above?: number;
	/** Named in the message: "a number of minutes". */
	unit?: string;
}

/** A value read, or what is wrong with it: `problem` completes `"Label" ...` (e.g. `must be text (it is 3).`). */
export type Checked<T> = { value: T; problem?: undefined } | { problem: string };

/** A value for a message: the core's quoting (short, JSON-quoted, never a value that looks like a key or token). */
export function shown(value: unknown): string {
	if (value === null || value === undefined || value === '') return 'empty';
	return quoteForMessage(value);
}

/** Text (finite numbers from expressions are taken as their text), trimmed unless `rule.trim` is false. */
export function checkedText(value: unknown, rule: TextRule = {}): Checked<string> {
	let text: string;
	if (value === null || value === undefined) text = '';
	else if (typeof value === 'string') text = rule.trim === false && value.trim() !== '' ? value : value.trim();
	else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
	else return { problem: `must be text (it is ${shown(value)}).` };
	if (text === '') return rule.required ? { problem: 'is required.' } : { value: '' };
	const length = Array.from(text).length;
	if (rule.maxLength !== undefined && length > rule.maxLength) {
		return { problem: `can be at most ${rule.maxLength} characters (it has ${length}).` };
	}
	if (rule.pattern && !rule.pattern.test(text)) {
		return { problem: `must be ${rule.rule ?? 'in the documented form'} (it is ${shown(text)}).` };
	}
	return { value: text };
}

/**
 * A number within `rule`'s bounds (a numeric string from an expression is read as its number); anything else, NaN
 * included, is refused with the bounds in words.
 */
export function checkedNumber(value: unknown, rule: NumberRule = {}): Checked<number> {
	const { integer = false, above, unit } = rule;
	const min = above === undefined ? rule.min : undefined;
	const max = rule.max;
	const number =
		typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
	const fits =
		Number.isFinite(number) &&
		(!integer || Number.isInteger(number)) &&
		(above === undefined || number > above) &&
		(min === undefined || number >= min) &&
		(max === undefined || number <= max);
	if (fits) return { value: number };
	const kind = `${integer ? 'a whole number' : 'a number'}${unit ? ` of ${unit}` : ''}`;
	const lower = above !== undefined ? `above ${above}` : min !== undefined ? `${max !== undefined ? 'from' : 'of at least'} ${min}` : '';
	const upper = max === undefined ? '' : lower === '' ? `of at most ${max}` : above !== undefined ? `and at most ${max}` : `to ${max}`;
	const range = [lower, upper].filter(Boolean).join(' ');
	return { problem: `must be ${kind}${range ? ` ${range}` : ''} (it is ${shown(value)}).` };
}

/** true or false; the texts "true" and "false" from an expression are read as such. */
export function checkedBoolean(value: unknown): Checked<boolean> {
	if (typeof value === 'boolean') return { value };
	if (value === 'true' || value === 'false') return { value: value === 'true' };
	return { problem: `must be true or false (it is ${shown(value)}).` };
}

/** One of `allowed` (the values an options parameter lists). */
export function checkedChoice(value: unknown, allowed: readonly string[]): Checked<string> {
	if (typeof value === 'string' && allowed.includes(value)) return { value };
	return { problem: `must be one of: ${allowed.join(', ')} (it is ${shown(value)}).` };
}

/** JSON text: `value` is the text as written when it parses. */
export function checkedJsonText(text: string): Checked<string> {
	try {
		JSON.parse(text);
		return { value: text };
	} catch (error) {
		return { problem: `is not valid JSON (${(error as Error).message}).` };
	}
}
