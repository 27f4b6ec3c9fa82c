/**
 * The Invoke node's editor checks and texts come from the core's invoke policy (lib/invoke/policy.ts): the Path
 * notice is built from the policy's refused-path pattern, and the Headers description names every refused group.
 */
import type { INodeProperties } from 'n8n-workflow';

import { INVOKE_REFUSED_PATH_PATTERN, REFUSED_INVOKE_HEADERS } from '../../lib';
import { VertexAiInvoke } from '../../nodes/VertexAiInvoke/VertexAiInvoke.node';

const properties = new VertexAiInvoke().description.properties;
const byName = (name: string) => properties.find((property) => property.name === name) as INodeProperties;

it("shows the Path notice for exactly what the policy's pattern refuses", () => {
	const hide = byName('pathNotice').displayOptions?.hide?.path as Array<{ _cnd: { regex: string } }>;
	expect(hide[0]._cnd.regex).toContain(INVOKE_REFUSED_PATH_PATTERN);
	const noticeHidden = (path: string) => new RegExp(hide[0]._cnd.regex).test(path);
	expect(noticeHidden('/v1/chat/completions')).toBe(true);
	expect(noticeHidden('={{ $json.path }}')).toBe(true);
	for (const path of ['v1', '/', '/a//b', '/a/../b', '/a?b', '/a%2Fb', '/50%']) expect(noticeHidden(path)).toBe(false);
});

it('names a header of every refused group in the Headers description', () => {
	const description = byName('headers').description as string;
	for (const rule of REFUSED_INVOKE_HEADERS.filter((refused) => !refused.names.includes('__proto__'))) {
		expect(description).toContain(rule.shown.split(/[ ,]/)[0]);
	}
});
