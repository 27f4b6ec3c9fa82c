import type { INodeProperties, INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';

/** One value outside what a parameter of a node's Options allows, and the refusal the description implies. */
export interface RefusedOption {
	name: string;
	value: unknown;
	/** The message's words, built from the description: its label, and its range or choices. */
	refusal: string;
}

/**
 * For every number option with a range and every options-type option of the node's Options collection: values just
 * outside it (below the minimum, above the maximum, a fraction where only whole numbers go, a value not listed), each
 * with the refusal that names the description's label and its range. Read from the description, so a changed range
 * changes the cases.
 */
export function refusedOptions(description: INodeTypeDescription): RefusedOption[] {
	const collection = description.properties.find((property) => property.name === 'options');
	const cases: RefusedOption[] = [];
	for (const option of (collection?.options ?? []) as INodeProperties[]) {
		const where = `"${option.displayName}" in "${collection?.displayName}"`;
		if (option.type === 'options') {
			const allowed = (option.options as INodePropertyOptions[]).map((choice) => String(choice.value));
			cases.push({ name: option.name, value: 'not-a-choice', refusal: `${where} must be one of: ${allowed.join(', ')}` });
		}
		const { minValue: min, maxValue: max, numberPrecision } = option.typeOptions ?? {};
		if (option.type !== 'number' || min === undefined || max === undefined) continue;
		const whole = numberPrecision === 0;
		const refusal = `${where} must be ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}`;
		const step = whole ? 1 : 0.5;
		cases.push({ name: option.name, value: min - step, refusal }, { name: option.name, value: max + step, refusal });
		if (whole) cases.push({ name: option.name, value: min + 0.5, refusal });
	}
	return cases;
}
