// n8n's community-node rules, without the n8n Cloud restrictions.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
	...configWithoutCloudSupport,
	{
		files: ['package.json'],
		rules: {
			// google-auth-library, undici, zod and eventsource-parser are deliberate runtime dependencies: a
			// self-hosted n8n installs them with the package (the package is not meant for n8n Cloud).
			'@n8n/community-nodes/no-runtime-dependencies': 'off',
		},
	},
];
