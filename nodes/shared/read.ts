import {
	NodeHelpers,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeParameterResourceLocator,
	type INodeProperties,
	type INodePropertyCollection,
	type INodePropertyOptions,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { quoteForMessage } from '../../lib';
import type { FieldWords } from './errors';

/**
 * The one typed reader of node parameters. It is built from the node's own description, so the labels in its
 * errors and the values an options parameter allows come from the description itself: a parameter read with it
 * is checked (type, range, list, format) before any request, and a bad value gives a NodeOperationError that
 * names the parameter as the editor shows it. An expression can give anything; nothing is coerced to NaN or
 * silently replaced by another choice.
 *
 * Paths are those of `getNodeParameter`: `displayName`, `options.timeoutSeconds` (an option of a collection), and
 * for a fixedCollection's fields `headers.header.name` (parameter, group, field).
 */

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

/** A value for a message: the core's quoting (short, JSON-quoted, never a value that looks like a key or token). */
export function shown(value: unknown): string {
	if (value === null || value === undefined || value === '') return 'empty';
	return quoteForMessage(value);
}

type Field = INodeProperties;

interface Found {
	property: Field;
	/** Labels of the collections the property sits in, outermost first. */
	within: string[];
}

/** Whether a parameter value holds an expression anywhere (a string starting with "="), so it may differ per item. */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

const isPrimitive = (value: unknown) => value === null || (typeof value !== 'object' && typeof value !== 'function');

export class ParameterReader {
	private readonly found = new Map<string, Found | undefined>();
	/** Per path: whether its parameter's value is the same for every item (it holds no expression). */
	private readonly fixed = new Map<string, boolean>();
	/** Values of fixed parameters already read (see readFixed), by path and what was read. */
	private readonly fixedValues = new Map<string, unknown>();
	private readonly allowed = new Map<string, readonly string[]>();
	/** The last JSON text found valid, so a fixed JSON parameter is parsed once, not once per item. */
	private validJson: string | undefined;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly properties: INodeProperties[],
	) {}

	/** The property a path names, the one shown for the node's settings when several share a name. */
	property(path: string): INodeProperties | undefined {
		return this.find(path)?.property;
	}

	/** The label the editor shows for a path's parameter (its name when the description has none). */
	label(path: string): string {
		return this.find(path)?.property.displayName ?? path;
	}

	/** `"Label"`, and for a nested one `"Label" in "Options"`. */
	where(path: string): string {
		const found = this.find(path);
		const label = `"${found?.property.displayName ?? path}"`;
		return found?.within.length ? `${label} in "${found.within.join(' > ')}"` : label;
	}

	/** A refusal of the parameter at `path` for item `itemIndex`, before anything was sent. */
	error(itemIndex: number, path: string, message: string): NodeOperationError {
		return new NodeOperationError(this.ctx.getNode(), message, {
			itemIndex,
			description: `Check the parameter ${this.where(path)}. Nothing was sent.`,
		});
	}

	/**
	 * How the node names the core's fields (labels, where they sit, the names of their choices), for errors in the
	 * editor's words (see toNodeError): `fields` gives the parameter path of a core field (`model.containerSpec.imageUri`,
	 * `trafficSplit.123`) or of a prefix of it.
	 */
	fieldWords(fields: Record<string, string>): FieldWords {
		const pathOf = this.fieldPaths(fields);
		return {
			label: (field) => {
				const path = pathOf(field);
				return path === undefined ? undefined : this.label(path);
			},
			where: (field) => {
				const path = pathOf(field);
				return path === undefined ? undefined : this.where(path);
			},
			optionName: (field, value) => {
				const path = pathOf(field);
				const options = (path === undefined ? [] : (this.property(path)?.options ?? [])) as INodePropertyOptions[];
				return options.find((option) => option.value === value)?.name;
			},
		};
	}

	private fieldPaths(fields: Record<string, string>): (field: string) => string | undefined {
		const parameters = new Map(Object.entries(fields));
		return (field) => {
			const parts = field.split(/[.[\]]+/).filter(Boolean);
			for (let length = parts.length; length > 0; length--) {
				const path = parameters.get(parts.slice(0, length).join('.'));
				if (path !== undefined) return path;
			}
			return undefined;
		};
	}

	/** The resolved value at `path`, or `fallback` (default: the property's default) when it is not set. */
	raw(itemIndex: number, path: string, fallback: unknown = this.defaultOf(path)): unknown {
		// n8n resolves a parameter afresh for every item and call; one without an expression resolves the same each
		// time, so it is read once per run. Kept: primitives read with the default or no fallback (an object could be
		// changed by whoever got it, and another fallback could give another value for an unset path).
		const withDefault = fallback === this.defaultOf(path);
		const read = () => this.ctx.getNodeParameter(path, itemIndex, (fallback ?? null) as never) as unknown;
		if (!withDefault && fallback !== null && fallback !== undefined) return read();
		return this.readFixed(withDefault ? path : `${path}\u0000unset`, path, read, isPrimitive);
	}

	/**
	 * `read()`, once per run when the parameter at `path` holds no expression (so it is the same for every item), and
	 * when `keep` accepts the value; every time otherwise.
	 */
	private readFixed<T>(key: string, path: string, read: () => T, keep: (value: T) => boolean = () => true): T {
		if (this.fixedValues.has(key)) return this.fixedValues.get(key) as T;
		const value = read();
		if (keep(value) && this.isFixed(path)) this.fixedValues.set(key, value);
		return value;
	}

	private isFixed(path: string): boolean {
		let fixed = this.fixed.get(path);
		if (fixed === undefined) {
			const dot = path.indexOf('.');
			fixed = !holdsExpression(this.ctx.getNode().parameters[dot === -1 ? path : path.slice(0, dot)]);
			this.fixed.set(path, fixed);
		}
		return fixed;
	}

	/** Whether a collection option (or any parameter) has a value at all. */
	isSet(itemIndex: number, path: string): boolean {
		const value = this.raw(itemIndex, path, null);
		return value !== null && value !== undefined && value !== '';
	}

	text(itemIndex: number, path: string, rule: TextRule = {}): string {
		return this.checkText(itemIndex, path, this.raw(itemIndex, path), rule);
	}

	/**
	 * Text (numbers from expressions are taken as their text), trimmed, checked against `rule`. The check* methods
	 * take a value already read (a fixedCollection row's field); undefined stands for the property's default.
	 */
	checkText(itemIndex: number, path: string, given: unknown, rule: TextRule = {}): string {
		const value = given === undefined ? this.defaultOf(path) : given;
		let text: string;
		if (value === null || value === undefined) text = '';
		else if (typeof value === 'string') text = rule.trim === false && value.trim() !== '' ? value : value.trim();
		else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
		else throw this.error(itemIndex, path, `${this.where(path)} must be text (it is ${shown(value)}).`);
		if (text === '') {
			if (rule.required) throw this.error(itemIndex, path, `${this.where(path)} is required.`);
			return '';
		}
		const length = Array.from(text).length;
		if (rule.maxLength !== undefined && length > rule.maxLength) {
			throw this.error(itemIndex, path, `${this.where(path)} can be at most ${rule.maxLength} characters (it has ${length}).`);
		}
		if (rule.pattern && !rule.pattern.test(text)) {
			throw this.error(itemIndex, path, `${this.where(path)} must be ${rule.rule ?? 'in the documented form'} (it is ${shown(text)}).`);
		}
		return text;
	}

	number(itemIndex: number, path: string, rule: NumberRule = {}): number {
		return this.checkNumber(itemIndex, path, this.raw(itemIndex, path), rule);
	}

	/** A collection option's number, or undefined when the option was not added. */
	optionalNumber(itemIndex: number, path: string, rule: NumberRule = {}): number | undefined {
		return this.isSet(itemIndex, path) ? this.number(itemIndex, path, rule) : undefined;
	}

	/**
	 * A number within the property's bounds (a numeric string from an expression is read as its number); anything
	 * else, NaN included, is refused naming the parameter.
	 */
	checkNumber(itemIndex: number, path: string, given: unknown, rule: NumberRule = {}): number {
		const value = given === undefined ? this.defaultOf(path) : given;
		const typeOptions = this.property(path)?.typeOptions ?? {};
		const integer = rule.integer ?? typeOptions.numberPrecision === 0;
		const above = rule.above;
		const min = above === undefined ? (rule.min ?? typeOptions.minValue) : undefined;
		const max = rule.max ?? typeOptions.maxValue;
		const number =
			typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
		const fits =
			Number.isFinite(number) &&
			(!integer || Number.isInteger(number)) &&
			(above === undefined || number > above) &&
			(min === undefined || number >= min) &&
			(max === undefined || number <= max);
		if (fits) return number;
		const kind = `${integer ? 'a whole number' : 'a number'}${rule.unit ? ` of ${rule.unit}` : ''}`;
		const lower = above !== undefined ? `above ${above}` : min !== undefined ? `${max !== undefined ? 'from' : 'of at least'} ${min}` : '';
		const upper = max === undefined ? '' : lower === '' ? `of at most ${max}` : above !== undefined ? `and at most ${max}` : `to ${max}`;
		const range = [lower, upper].filter(Boolean).join(' ');
		throw this.error(itemIndex, path, `${this.where(path)} must be ${kind}${range ? ` ${range}` : ''} (it is ${shown(value)}).`);
	}

	/** true or false; the texts "true" and "false" from an expression are read as such, anything else is refused. */
	boolean(itemIndex: number, path: string): boolean {
		return this.checkBoolean(itemIndex, path, this.raw(itemIndex, path));
	}

	checkBoolean(itemIndex: number, path: string, given: unknown): boolean {
		const value = given === undefined ? this.defaultOf(path) : given;
		if (typeof value === 'boolean') return value;
		if (value === 'true' || value === 'false') return value === 'true';
		throw this.error(itemIndex, path, `${this.where(path)} must be true or false (it is ${shown(value)}).`);
	}

	/** One of the values the options parameter lists in the description. */
	option<T extends string = string>(itemIndex: number, path: string): T {
		const value = this.raw(itemIndex, path);
		const allowed = this.allowedValues(path);
		if (typeof value === 'string' && allowed.includes(value)) return value as T;
		throw this.error(itemIndex, path, `${this.where(path)} must be one of: ${allowed.join(', ')} (it is ${shown(value)}).`);
	}

	/** The values an options parameter lists. */
	allowedValues(path: string): readonly string[] {
		let values = this.allowed.get(path);
		if (values === undefined) {
			const options = (this.property(path)?.options ?? []) as INodePropertyOptions[];
			values = options.map((option) => String(option.value));
			this.allowed.set(path, values);
		}
		return values;
	}

	/** A JSON parameter: an object or array as given, or text that must parse as JSON (returned as written). */
	json(itemIndex: number, path: string): { text?: string; value?: unknown } {
		const value = this.raw(itemIndex, path);
		if (typeof value !== 'string') return { value };
		if (value === this.validJson) return { text: value };
		try {
			JSON.parse(value);
		} catch (error) {
			throw this.error(itemIndex, path, `${this.where(path)} is not valid JSON (${(error as Error).message}).`);
		}
		this.validJson = value;
		return { text: value };
	}

	/**
	 * A resource locator's value (from a URL: the part its extractValue picks), checked against the "By ID" mode's
	 * validation pattern from the description, whatever the mode: ids from a list or an expression are ids too.
	 */
	locator(itemIndex: number, path: string): string {
		return this.readFixed(`${path}\u0000locator`, path, () => this.checkedLocator(itemIndex, path));
	}

	private checkedLocator(itemIndex: number, path: string): string {
		const value = this.ctx.getNodeParameter(path, itemIndex, '', { extractValue: true }) as unknown;
		const id = this.checkText(itemIndex, path, value, { required: true });
		const byId = this.property(path)?.modes?.find((mode) => mode.name === 'id');
		for (const validation of byId?.validation ?? []) {
			if (typeof validation !== 'object' || validation.type !== 'regex') continue;
			const { regex, errorMessage } = validation.properties as { regex: string; errorMessage?: string };
			if (!new RegExp(regex).test(id)) {
				throw this.error(itemIndex, path, `${this.where(path)}: ${errorMessage ?? 'not a valid ID'} (it is ${shown(id)}).`);
			}
		}
		return id;
	}

	/** The locator as set (mode and raw value), for nodes that read more than the id from a URL. */
	locatorValue(itemIndex: number, path: string): INodeParameterResourceLocator | undefined {
		const value = this.raw(itemIndex, path, null);
		return value && typeof value === 'object' && 'mode' in value ? (value as INodeParameterResourceLocator) : undefined;
	}

	/** The rows of a fixedCollection group (`headers.header`), each an object; its fields are checked by the caller. */
	rows(itemIndex: number, path: string): IDataObject[] {
		const cut = path.lastIndexOf('.');
		const parameter = path.slice(0, cut);
		const group = path.slice(cut + 1);
		// Copies: the caller may change its rows.
		return this.readFixed(`${path}\u0000rows`, parameter, () => this.readRows(itemIndex, parameter, group)).map((row) => ({ ...row }));
	}

	private readRows(itemIndex: number, parameter: string, group: string): IDataObject[] {
		const collection = this.raw(itemIndex, parameter, {});
		if (collection === null || collection === undefined || collection === '') return [];
		if (typeof collection !== 'object' || Array.isArray(collection)) {
			throw this.error(itemIndex, parameter, `${this.where(parameter)} must be a list of entries (it is ${shown(collection)}).`);
		}
		const rows = (collection as IDataObject)[group] ?? [];
		const list = Array.isArray(rows) ? rows : [rows];
		if (!list.every((row) => row !== null && typeof row === 'object' && !Array.isArray(row))) {
			throw this.error(itemIndex, parameter, `${this.where(parameter)} must be a list of entries.`);
		}
		return list as IDataObject[];
	}

	/** A multiple-values string parameter, its entries as text (blank entries dropped). */
	list(itemIndex: number, path: string): string[] {
		const value = this.raw(itemIndex, path, []);
		const entries = Array.isArray(value) ? value : value === null || value === '' ? [] : [value];
		return entries.map((entry) => this.checkText(itemIndex, path, entry)).filter((entry) => entry !== '');
	}

	private defaultOf(path: string): unknown {
		const property = this.property(path);
		return property?.default ?? null;
	}

	private find(path: string): Found | undefined {
		if (this.found.has(path)) return this.found.get(path);
		const result = this.lookUp(path);
		this.found.set(path, result);
		return result;
	}

	private lookUp(path: string): Found | undefined {
		const [first, ...rest] = path.split('.');
		const node = this.ctx.getNode();
		const candidates = this.properties.filter((property) => property.name === first);
		// `@tool` in displayOptions asks whether the node runs as its tool twin (type name ending in "Tool").
		const description = { name: node.type } as INodeTypeDescription;
		const shownOne = candidates.find((property) => NodeHelpers.displayParameter(node.parameters, property, node, description));
		let property: Field | undefined = shownOne ?? candidates[0];
		const within: string[] = [];
		for (let index = 0; property && index < rest.length; index++) {
			within.push(property.displayName);
			if (property.type === 'collection') {
				property = (property.options as INodeProperties[] | undefined)?.find((option) => option.name === rest[index]);
			} else if (property.type === 'fixedCollection') {
				const group = (property.options as INodePropertyCollection[] | undefined)?.find((option) => option.name === rest[index]);
				index++;
				property = group?.values.find((value) => value.name === rest[index]);
			} else {
				property = undefined;
			}
		}
		return property ? { property, within } : undefined;
	}
}

/** The reader for a node's parameters, built from its description's properties. */
export function parameterReader(ctx: IExecuteFunctions, properties: INodeProperties[]): ParameterReader {
	return new ParameterReader(ctx, properties);
}
