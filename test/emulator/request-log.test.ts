/**
 * The emulator's request log keeps the bodies sent to model servers only when asked (`logRequestBodies`), cut at
 * MAX_BODY_BYTES, and never for rejected requests.
 */
import type { IncomingMessage } from 'node:http';

import { MAX_BODY_BYTES, RequestLog, type NewEntry } from '../../emulator/requestLog';

const request = {} as IncomingMessage;
const forwarded = (): NewEntry => ({ outcome: 'forwarded', at: '', method: 'POST', path: '/v1/chat/completions', query: '', endpointId: 'e', deployedModelId: '1', headerNames: [] });
const rejected = (): NewEntry => ({ outcome: 'rejected', at: '', method: 'POST', path: '/x', query: '', status: 401, reason: 'no token' });

it('keeps no body by default', () => {
	const log = new RequestLog();
	log.add(request, forwarded(), Buffer.from('{"messages":[]}'));
	expect(log.list()[0]).not.toHaveProperty('body');
});

it('keeps a forwarded body as text when asked, cut at MAX_BODY_BYTES; a rejected request keeps none', () => {
	const log = new RequestLog(true);
	log.add(request, forwarded(), Buffer.from('{"messages":[{"role":"user","content":"Where is the Eiffel Tower?"}]}'));
	log.add(request, forwarded(), Buffer.alloc(MAX_BODY_BYTES + 10, 'a'));
	log.add(request, rejected(), Buffer.from('secret body'));
	const [small, large, refused] = log.list();
	expect(small).toMatchObject({ body: '{"messages":[{"role":"user","content":"Where is the Eiffel Tower?"}]}' });
	expect((large as { body: string }).body).toHaveLength(MAX_BODY_BYTES);
	expect(refused).not.toHaveProperty('body');
});
