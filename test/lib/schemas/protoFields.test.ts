/**
 * The request messages the core checks Additional Fields against (generated from googleapis' .proto sources) agree
 * with the emulator's contract (extracted from Google's Node client package): two extractions from two sources, so a
 * regenerated file that lost or mistyped a field, or a contract that moved on, shows here.
 */
import { PROTO_FIELDS } from '../../../lib/schemas/protoFields';
import contract from '../../../emulator/contract/aiplatform.json';

interface ContractField {
	json: string;
	type: string;
	repeated?: boolean;
	map?: string;
	behavior?: string[];
}
const types = contract.types as unknown as Record<string, { fields?: ContractField[]; values?: Record<string, number> }>;

const WELL_KNOWN: Record<string, string> = {
	'google.protobuf.Duration': 'duration',
	'google.protobuf.Timestamp': 'timestamp',
	'google.protobuf.Value': 'value',
	'google.protobuf.Struct': 'struct',
	'google.protobuf.ListValue': 'list',
	'google.protobuf.Any': 'any',
	'google.rpc.Status': 'any',
};

describe.each(['v1', 'v1beta1'] as const)('the %s request messages', (version) => {
	const prefix = `google.cloud.aiplatform.${version}.`;
	const messages = Object.entries(PROTO_FIELDS.versions[version].messages);

	it('cover the three request bodies and what they hold', () => {
		expect(messages.map(([name]) => name)).toEqual(expect.arrayContaining(['UploadModelRequest', 'Endpoint', 'DeployModelRequest', 'DedicatedResources', 'MachineSpec']));
	});

	it.each(messages)('%s has the contract\'s fields, types and cardinality', (name, fields) => {
		const expected = types[`${prefix}${name}`]?.fields ?? [];
		const fromContract = expected.map((field) => {
			const type = WELL_KNOWN[field.type] ?? field.type.replace(prefix, '');
			const kind = types[field.type]?.values ? 'enum' : types[field.type]?.fields ? 'message' : 'type';
			return [field.json, kind === 'type' ? type : `${kind}:${type}`, field.map ? `map<${field.map}>` : field.repeated ? 'repeated' : '', Boolean(field.behavior?.includes('OUTPUT_ONLY'))];
		});
		const fromProtos = Object.entries(fields).map(([json, field]) => [
			json,
			field.message ? `message:${field.message}` : field.enum ? `enum:${field.enum}` : field.type,
			field.mapKey ? `map<${field.mapKey}>` : field.repeated ? 'repeated' : '',
			Boolean(field.outputOnly),
		]);
		expect(fromProtos.sort()).toEqual(fromContract.sort());
	});

	it('has the contract\'s enum values', () => {
		for (const [name, values] of Object.entries(PROTO_FIELDS.versions[version].enums)) {
			expect([name, values]).toEqual([name, Object.keys(types[`${prefix}${name}`]?.values ?? {})]);
		}
	});
});
