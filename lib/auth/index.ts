export {
	credentialProjectId,
	describeCredential,
	normalizePrivateKey,
	resolveCredential,
	type ResolvedCredential,
	type ServiceAccountKey,
	type VertexCredential,
} from './credentials';
export {
	CLOUD_PLATFORM_SCOPE,
	createAccessTokenProvider,
	GOOGLE_TOKEN_URL,
	type AccessTokenProvider,
	type AuthOptions,
} from './provider';
