import { checkAdditionalFields, closestName, withAdditionalFields } from '../../../lib/schemas/additionalFields';
import { PROTO_FIELDS } from '../../../lib/schemas/protoFields';
import { VertexValidationError } from '../../../lib/errors';

function refusal(run: () => unknown): VertexValidationError {
	try {
		run();
	} catch (error) {
		if (error instanceof VertexValidationError) return error;
		throw error;
	}
	throw new Error('no validation error');
}

describe('the proto field data', () => {
	it('records the googleapis commit it was generated from and holds both API versions', () => {
		expect(PROTO_FIELDS.source).toMatchObject({ repository: 'googleapis/googleapis', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
		expect(PROTO_FIELDS.versions.v1.messages.DedicatedResources.requiredReplicaCount).toEqual({ type: 'int32' });
		expect(PROTO_FIELDS.versions.v1.messages.DedicatedResources.scaleToZeroSpec).toBeUndefined();
		expect(PROTO_FIELDS.versions.v1beta1.messages.DedicatedResources.scaleToZeroSpec).toEqual({ message: 'DedicatedResources.ScaleToZeroSpec' });
		expect(PROTO_FIELDS.versions.v1.enums['ReservationAffinity.Type']).toEqual(['TYPE_UNSPECIFIED', 'NO_RESERVATION', 'ANY_RESERVATION', 'SPECIFIC_RESERVATION']);
	});
});

describe('Additional Fields checked against the protos', () => {
	const deploy = (additional: unknown, version: 'v1' | 'v1beta1' = 'v1') => () => checkAdditionalFields(additional, 'DeployModelRequest', version);

	it('accepts known fields of every JSON kind', () => {
		expect(
			deploy({
				deployedModel: {
					dedicatedResources: {
						machineSpec: { machineType: 'a3-highgpu-1g', acceleratorType: 'NVIDIA_H100_80GB', reservationAffinity: { reservationAffinityType: 'ANY_RESERVATION' } },
						minReplicaCount: 1,
						autoscalingMetricSpecs: [{ metricName: 'x', target: 50 }],
					},
					systemLabels: { a: 'b' },
					disableContainerLogging: true,
				},
				trafficSplit: { '0': 100 },
			}),
		).not.toThrow();
		expect(() => checkAdditionalFields({ model: { containerSpec: { sharedMemorySizeMb: '4096', deploymentTimeout: '600s' } } }, 'UploadModelRequest', 'v1')).not.toThrow();
	});

	it('refuses an unknown field, naming its path and the closest known name', () => {
		const error = refusal(deploy({ deployedModel: { dedicatedResources: { minReplicaCont: 2 } } }));
		expect(error.field).toBe('additionalFields');
		expect(error.message).toContain('deployedModel.dedicatedResources.minReplicaCont is not a field of DedicatedResources in API v1');
		expect(error.message).toContain('did you mean "minReplicaCount"?');
	});

	it('asks for the JSON name of a field given by its proto name', () => {
		expect(refusal(deploy({ deployed_model: {} })).message).toContain('give it by its JSON name, "deployedModel"');
	});

	it('says when a field exists only in the other API version', () => {
		const error = refusal(deploy({ deployedModel: { dedicatedResources: { scaleToZeroSpec: {} } } }));
		expect(error.message).toContain('it exists in the preview API (v1beta1): choose it with apiVersion');
		expect(deploy({ deployedModel: { dedicatedResources: { scaleToZeroSpec: { idleScaledownPeriod: '600s' } } } }, 'v1beta1')).not.toThrow();
	});

	it.each([
		[{ deployedModel: { dedicatedResources: { minReplicaCount: '2x' } } }, 'minReplicaCount must be a whole number (int32)'],
		[{ deployedModel: { dedicatedResources: { minReplicaCount: 2 ** 31 } } }, 'must be a whole number (int32)'],
		[{ deployedModel: { disableContainerLogging: 'yes' } }, 'disableContainerLogging must be true or false; it is the string "yes"'],
		[{ deployedModel: { dedicatedResources: { autoscalingMetricSpecs: { metricName: 'x' } } } }, 'autoscalingMetricSpecs must be a JSON array; it is an object'],
		[{ deployedModel: { dedicatedResources: 5 } }, 'dedicatedResources must be a JSON object (the message DedicatedResources)'],
		[{ deployedModel: { dedicatedResources: { machineSpec: { acceleratorType: 'NVIDIA_H100' } } } }, 'must be one of AcceleratorType\'s values (did you mean "NVIDIA_H100_80GB"?'],
		[{ trafficSplit: { '0': 'all' } }, 'trafficSplit.0 must be a whole number (int32)'],
		[{ deployedModel: { id: '1', createTime: '2026-01-01T00:00:00Z' } }, 'createTime is output only'],
		[{ deployedModel: { dedicatedResources: {}, sharedResources: 'p' } }, 'sharedResources cannot be given with deployedModel.dedicatedResources'],
	])('refuses %j', (additional, words) => {
		expect(refusal(deploy(additional)).message).toContain(words);
	});

	it('checks durations, int64 and the upload and endpoint messages', () => {
		expect(refusal(() => checkAdditionalFields({ model: { containerSpec: { deploymentTimeout: '10m' } } }, 'UploadModelRequest', 'v1')).message).toContain(
			'must be a duration string such as "600s"',
		);
		expect(refusal(() => checkAdditionalFields({ encryptionSpec: { kmsKeyNam: 'k' } }, 'Endpoint', 'v1')).message).toContain('did you mean "kmsKeyName"?');
		expect(refusal(() => checkAdditionalFields([], 'Endpoint', 'v1')).message).toContain('must be a JSON object (the message Endpoint); it is an array');
	});
});

describe('withAdditionalFields', () => {
	it('lays the named fields over the additional ones, named values winning', () => {
		const body = withAdditionalFields(
			{ deployedModel: { model: 'm', dedicatedResources: { minReplicaCount: 2, autoscalingMetricSpecs: [{ metricName: 'a' }] } } },
			{ deployedModel: { enableAccessLogging: true, dedicatedResources: { minReplicaCount: 5, autoscalingMetricSpecs: [{ metricName: 'b' }], spot: true } } },
			'deploy',
			'v1',
		);
		expect(body).toEqual({
			deployedModel: { model: 'm', enableAccessLogging: true, dedicatedResources: { minReplicaCount: 2, autoscalingMetricSpecs: [{ metricName: 'a' }], spot: true } },
		});
	});

	it('keeps an additional field the named parameters leave unset', () => {
		expect(withAdditionalFields({ displayName: 'e', description: undefined }, { description: 'd' }, 'createEndpoint', 'v1')).toEqual({ displayName: 'e', description: 'd' });
	});

	it('refuses a oneof member given here beside one the named fields set', () => {
		const error = refusal(() =>
			withAdditionalFields({ deployedModel: { dedicatedResources: { minReplicaCount: 1 } } }, { deployedModel: { sharedResources: 'pool' } }, 'deploy', 'v1'),
		);
		expect(error.message).toContain("deployedModel.sharedResources cannot be given with deployedModel.dedicatedResources, which the node's parameters set");
	});

	it("checks a pool's additional fields against the DeploymentResourcePool message: output-only and misspelled fields refused", () => {
		const named = { dedicatedResources: { machineSpec: { machineType: 'g2-standard-12' }, minReplicaCount: 1 } };
		const kms = { kmsKeyName: 'projects/p/locations/us-central1/keyRings/r/cryptoKeys/k' };
		expect(withAdditionalFields(named, { encryptionSpec: kms }, 'createPool', 'v1')).toEqual({ ...named, encryptionSpec: kms });
		expect(refusal(() => withAdditionalFields(named, { createTime: '2026-01-01T00:00:00Z' }, 'createPool', 'v1')).message).toMatch(/createTime.*output only/i);
		expect(refusal(() => withAdditionalFields(named, { serviceAcount: 'a@b.iam.gserviceaccount.com' }, 'createPool', 'v1')).message).toContain('did you mean "serviceAccount"?');
	});

	it('returns the named body unchanged without additional fields, and checks before merging', () => {
		const named = { displayName: 'e' };
		expect(withAdditionalFields(named, undefined, 'createEndpoint', 'v1')).toBe(named);
		expect(withAdditionalFields(named, {}, 'createEndpoint', 'v1')).toBe(named);
		expect(refusal(() => withAdditionalFields(named, { labelz: {} }, 'createEndpoint', 'v1')).message).toContain('did you mean "labels"?');
	});

	it('suggests only close names', () => {
		expect(closestName('minReplicaCont', ['minReplicaCount', 'maxReplicaCount'])).toBe('minReplicaCount');
		expect(closestName('somethingElse', ['minReplicaCount'])).toBeUndefined();
	});
});
