/** "Autoscaling Metrics" is one parameter in Deploy Model and both Manage operations that scale machines. */

import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';

import { AUTOSCALING_METRICS } from '../../lib';
import { VertexAiDeployModel } from '../../nodes/VertexAiDeployModel/VertexAiDeployModel.node';
import { VertexAiManage } from '../../nodes/VertexAiManage/VertexAiManage.node';

/** Every "autoscalingMetrics" parameter of a node, at any depth of its collections. */
function autoscalingParameters(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => [
		...(property.name === 'autoscalingMetrics' ? [property] : []),
		...(property.type === 'collection' ? autoscalingParameters(property.options as INodeProperties[]) : []),
	]);
}

const deploy = autoscalingParameters(new VertexAiDeployModel().description.properties);
const manage = autoscalingParameters(new VertexAiManage().description.properties);
const rowOf = (property: INodeProperties) => (property.options as INodePropertyCollection[])[0].values;
const field = (property: INodeProperties, name: string) => rowOf(property).find((value) => value.name === name);

describe('Autoscaling Metrics', () => {
	it('is in Deploy Model and in Manage > Deployed Model > Update and Deployment Resource Pool > Create', () => {
		expect(deploy).toHaveLength(1);
		expect(manage).toHaveLength(2);
	});

	it.each(manage.map((property, index) => [index, property]))('Manage #%s has the same rows as Deploy Model', (_index, property) => {
		expect(rowOf(property as INodeProperties)).toEqual(rowOf(deploy[0]));
	});

	it('offers every autoscaling metric of the core and a custom one', () => {
		const presets = (field(deploy[0], 'metric')?.options ?? []).map((option) => (option as { value: string }).value);
		expect(presets.sort()).toEqual([...Object.values(AUTOSCALING_METRICS), 'custom'].sort());
	});

	it('shows the subscription only for the Pub/Sub backlog and the metric name only for a custom metric', () => {
		const pubsub = { show: { metric: [AUTOSCALING_METRICS.pubsubBacklog] } };
		expect(field(deploy[0], 'subscriptionId')?.displayOptions).toEqual(pubsub);
		expect(field(deploy[0], 'subscriptionProject')?.displayOptions).toEqual(pubsub);
		expect(field(deploy[0], 'customMetricName')?.displayOptions).toEqual({ show: { metric: ['custom'] } });
		expect(field(deploy[0], 'target')?.displayOptions).toBeUndefined();
	});
});
