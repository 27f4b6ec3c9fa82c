/**
 * Changes to a model: UpdateModel (PATCH with an update mask; the model-level fields display_name, description and
 * labels) and MergeVersionAliases (aliases added and removed on one version), as model_service.proto defines them.
 */
import { z } from 'zod/v4';

import { VERSION_ALIAS } from '../rules/ids';
import { fieldRef, messageParts } from '../errors';
import { quoteForMessage } from '../secrets';
import { siblingsMessage } from './validate';
import { displayNameSchema, labelsSchema } from './common';

const aliasListSchema = (name: string) =>
	z.array(
		z.string({ error: `${name} must list version aliases as text.` }).regex(VERSION_ALIAS.pattern, {
			error: (issue) => `Version alias ${quoteForMessage(issue.input)} is not valid: use ${VERSION_ALIAS.rule}.`,
		}),
		{ error: `${name} must be a list of version aliases.` },
	);

/**
 * `model` is an id or name, with `@version` for the version whose aliases change (the default version without it).
 * `description: ""` and `labels: {}` clear them.
 */
export const updateModelInputSchema = z
	.strictObject({
		model: z.string().min(1, { error: 'model is required.' }),
		displayName: displayNameSchema.optional(),
		description: z.string({ error: 'description must be text.' }).optional(),
		labels: labelsSchema.optional(),
		addVersionAliases: aliasListSchema('addVersionAliases').optional(),
		removeVersionAliases: aliasListSchema('removeVersionAliases').optional(),
	})
	.superRefine((input, ctx) => {
		const changes = MODEL_CHANGES.filter((field) => {
			const value = input[field];
			return Array.isArray(value) ? value.length > 0 : value !== undefined;
		});
		if (changes.length === 0) {
			ctx.addIssue({ code: 'custom', message: `Nothing to update: give at least one of ${MODEL_CHANGES.join(', ')}.` });
		}
		// MergeVersionAliases cancels an alias both added and removed: almost certainly a mistake.
		const both = (input.addVersionAliases ?? []).filter((alias) => input.removeVersionAliases?.includes(alias));
		if (both.length > 0) {
			ctx.addIssue({
				code: 'custom',
				path: ['removeVersionAliases'],
				...siblingsMessage(
					messageParts`${fieldRef('removeVersionAliases')} and ${fieldRef('addVersionAliases')} both name ${both.join(', ')}: name each alias in one of them.`,
				),
			});
		}
	});

/** The changeable fields of updateModelInputSchema. */
export const MODEL_CHANGES = ['displayName', 'description', 'labels', 'addVersionAliases', 'removeVersionAliases'] as const;

export type UpdateModelInput = z.input<typeof updateModelInputSchema>;
