// n8n's community-node rules, without the n8n Cloud restrictions: this package depends on
// google-auth-library, undici and zod on purpose.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default configWithoutCloudSupport;
