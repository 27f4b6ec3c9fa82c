/** "If the id exists": the one rule for creating a resource under a caller-chosen id. */
import { fieldRef, isAlreadyExists, messageParts, settingRef, VertexApiError } from '../errors';

export type IfExists = 'fail' | 'use';

export interface CallerIdConflict {
	/** What is created, for the message, e.g. `Endpoint`. */
	kind: string;
	/** The caller-chosen id; without one there is no conflict to resolve. */
	id: string | undefined;
	/** The input field carrying it, for the message, e.g. `endpointId`. */
	idField: string;
	/** Where it would live, e.g. `projects/p/locations/l`. */
	parent: string;
	ifExists: IfExists;
}

/**
 * Runs `create`; when the caller's id is taken (409 ALREADY_EXISTS), returns the existing resource for
 * `ifExists: 'use'`, or fails with a message that says how to reuse it.
 */
export async function createOrUseExisting<Created, Existing>(
	create: () => Promise<Created>,
	readExisting: (id: string) => Promise<Existing>,
	conflict: CallerIdConflict,
): Promise<{ created?: Created; existing?: Existing }> {
	try {
		return { created: await create() };
	} catch (error) {
		if (!isAlreadyExists(error) || !conflict.id) throw error;
		if (conflict.ifExists === 'use') return { existing: await readExisting(conflict.id) };
		// The reason, then what to do; where it lives goes to the context. Fields are named as the input names them.
		throw new VertexApiError(
			messageParts`${conflict.kind} ${JSON.stringify(conflict.id)} already exists. Choose another ${fieldRef(conflict.idField)}, or reuse the existing one ${settingRef('ifExists', 'use')}.`,
			error.httpStatus,
			error.status,
			error.fieldViolations,
			error.details,
			undefined,
			`HTTP ${error.httpStatus}${error.status ? ` ${error.status}` : ''}, in ${conflict.parent}`,
		);
	}
}
