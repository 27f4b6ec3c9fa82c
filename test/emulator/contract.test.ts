/**
 * The contract the emulator routes and validates by is Google's client package's, not a hand-written
 * copy: regenerating it from the installed @google-cloud/aiplatform gives the committed file byte for
 * byte, and every method the emulator implements is one the contract has.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { controlMethods } from '../../emulator/apiMethods';
import { contract } from '../../emulator/contract';

const { extractContract, serialize, OUTPUT } = require('../../emulator/contract/extract.js') as {
	extractContract(): unknown;
	serialize(contract: unknown): string;
	OUTPUT: string;
};

describe('the emulator\'s API contract', () => {
	it('is what emulator/contract/extract.js makes from the installed client package (run it after upgrading the package)', () => {
		expect(path.relative(path.join(__dirname, '../..'), OUTPUT)).toBe(path.join('emulator', 'contract', 'aiplatform.json'));
		expect(serialize(extractContract())).toBe(readFileSync(OUTPUT, 'utf8'));
	}, 30_000);

	it('names, for every method the emulator implements, its request and response messages in v1 and v1beta1', () => {
		const methods = contract().methods;
		const implemented = Object.keys(controlMethods({} as never, {} as never));
		for (const name of implemented) {
			const [service, method] = name.split('.') as [string, string];
			const full = service === 'Operations' ? [`google.longrunning.Operations.${method}`] : ['v1', 'v1beta1'].map((v) => `google.cloud.aiplatform.${v}.${service}.${method}`);
			for (const qualified of full) {
				expect(methods[qualified]?.request).toEqual(expect.any(String));
				expect(contract().types[methods[qualified]?.request as string]).toBeDefined();
			}
		}
		// The Operations mixin is bound under /ui/ as well as /v1/, as the client's service config says.
		expect(methods['google.longrunning.Operations.GetOperation']?.bindings.map((b) => b.path)).toEqual(
			expect.arrayContaining(['/ui/{name=projects/*/locations/*/models/*/operations/*}', '/v1/{name=projects/*/locations/*/endpoints/*/operations/*}']),
		);
	});
});
