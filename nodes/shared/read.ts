import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeParameterResourceLocator,
	type INodeProperties,
	type INodePropertyOptions,
} from 'n8n-workflow';

import {
	checkedBoolean,
	checkedChoice,
	checkedJsonText,
	checkedNumber,
	checkedText,
	shown,
	type Checked,
	type NumberRule,
	type TextRule,
} from './checks';
import type { FieldWords } from './errors';
import { propertyAt, type FoundProperty } from './properties';

export { shown, type NumberRule, type TextRule } from './checks';

/**
 * The one typed reader of node parameters, for root nodes (execute) and sub-nodes (supplyData) alike. It is built from the node's own description, so the labels in its
 * errors and the values an options parameter allows come from the description itself: a parameter read with it
 * is checked (type, range, list, format) before any request, and a bad value gives a NodeOperationError that
 * names the parameter as the editor shows it. An expression can give anything; nothing is coerced to NaN or
 * silently replaced by another choice.
 *
 * Paths are those of `getNodeParameter`: `displayName`, `options.timeoutSeconds` (an option of a collection), and
 * for a fixedCollection's fields `headers.header.name` (parameter, group, field).
 */

/** Where a reader gets values and the node: a root node's execute context or a sub-node's supplyData context. */
export type ParameterSource = Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'>;

/** Whether a parameter value holds an expression anywhere (a string starting with "="), so it may differ per item. */
function holdsExpression(value: unknown): boolean {
	if (typeof value === 'string') return value.startsWith('=');
	if (Array.isArray(value)) return value.some(holdsExpression);
	if (value !== null && typeof value === 'object') return Object.values(value).some(holdsExpression);
	return false;
}

const isPrimitive = (value: unknown) => value === null || (typeof value !== 'object' && typeof value !== 'function');

export class ParameterReader {
	private readonly found = new Map<string, FoundProperty | undefined>();
	/** Per path: whether its parameter's value is the same for every item (it holds no expression). */
	private readonly fixed = new Map<string, boolean>();
	/** Values of fixed parameters already read (see readFixed), by path and what was read. */
	private readonly fixedValues = new Map<string, unknown>();
	private readonly allowed = new Map<string, readonly string[]>();
	/** The last JSON text found valid, so a fixed JSON parameter is parsed once, not once per item. */
	private validJson: string | undefined;

	constructor(
		private readonly ctx: ParameterSource,
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

	/** A checked value, or the refusal of the parameter at `path` that its problem completes. */
	accepted<T>(itemIndex: number, path: string, checked: Checked<T>): T {
		if (checked.problem !== undefined) throw this.error(itemIndex, path, `${this.where(path)} ${checked.problem}`);
		return checked.value;
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
				const property = path === undefined ? undefined : this.property(path);
				// A suggested setting of a core field a switch stands for (apiVersion 'v1beta1' for "Use Preview API") is the switch turned on.
				if (property?.type === 'boolean') return 'on';
				const options = (property?.options ?? []) as INodePropertyOptions[];
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

	/** Whether no parameter of the node holds an expression, so every item reads the same values. */
	everyParameterFixed(): boolean {
		return !holdsExpression(this.ctx.getNode().parameters);
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
		return this.accepted(itemIndex, path, checkedText(given === undefined ? this.defaultOf(path) : given, rule));
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
		return this.accepted(itemIndex, path, checkedNumber(given === undefined ? this.defaultOf(path) : given, this.numberRule(path, rule)));
	}

	/** `rule` completed from the property's typeOptions: whole numbers when its numberPrecision is 0, its min and max. */
	numberRule(path: string, rule: NumberRule = {}): NumberRule {
		const typeOptions = this.property(path)?.typeOptions ?? {};
		return {
			...rule,
			integer: rule.integer ?? typeOptions.numberPrecision === 0,
			min: rule.min ?? typeOptions.minValue,
			max: rule.max ?? typeOptions.maxValue,
		};
	}

	/** true or false; the texts "true" and "false" from an expression are read as such, anything else is refused. */
	boolean(itemIndex: number, path: string): boolean {
		return this.checkBoolean(itemIndex, path, this.raw(itemIndex, path));
	}

	checkBoolean(itemIndex: number, path: string, given: unknown): boolean {
		return this.accepted(itemIndex, path, checkedBoolean(given === undefined ? this.defaultOf(path) : given));
	}

	/** One of the values the options parameter lists in the description. */
	option<T extends string = string>(itemIndex: number, path: string): T {
		return this.accepted(itemIndex, path, checkedChoice(this.raw(itemIndex, path), this.allowedValues(path))) as T;
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
		if (value !== this.validJson) this.validJson = this.accepted(itemIndex, path, checkedJsonText(value));
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

	private find(path: string): FoundProperty | undefined {
		if (this.found.has(path)) return this.found.get(path);
		const result = propertyAt(this.properties, this.ctx.getNode(), path);
		this.found.set(path, result);
		return result;
	}
}

/** The reader for a node's parameters, built from its description's properties. */
export function parameterReader(ctx: ParameterSource, properties: INodeProperties[]): ParameterReader {
	return new ParameterReader(ctx, properties);
}
