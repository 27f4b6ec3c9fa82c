/**
 * Vertex AI's id grammar, as data: for each kind of id, the regular expression source (no anchors, no capturing
 * groups, so it composes into larger patterns and into n8n's editor checks) and the phrase that explains it to a
 * user (it reads after "must be" or "use"). The core checks every request with these; the nodes build their
 * locator checks, hints and editor warnings from them. Nothing here can match ".", "..", "%", "?", "#", "/",
 * "\\", whitespace or anything a URL parser would rewrite, so a name built from them stays one path.
 *
 * Sources: the aiplatform v1 protos' documented formats (Model.version_aliases, UploadModelRequest.model_id,
 * CreateEndpointRequest.endpoint_id, DeployedModel.id, google.api labels) and Cloud Resource Manager's project ids.
 */

export interface IdRule {
	/** The regular expression source, unanchored, without capturing groups. */
	readonly source: string;
	/** The same, anchored to the whole value. */
	readonly pattern: RegExp;
	/** What the value must be, in the user's words: reads after "must be" or "use". */
	readonly rule: string;
}

function idRule(source: string, rule: string, flags = ''): IdRule {
	const group = `(?:${source})`;
	return { source: group, pattern: new RegExp(`^${group}$`, flags), rule };
}

/** A name letter first: lowercase letters, digits and "-", up to 63, ending in a letter or digit. */
const LETTER_FIRST_ID = '[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** A positive int64 as Vertex prints it: no leading zero, up to 20 digits. */
const NUMBER = '[1-9][0-9]{0,19}';

/** Model and endpoint ids a caller chooses (CreateEndpointRequest.endpoint_id; models follow the same rule). */
export const CALLER_ID = idRule(
	`${LETTER_FIRST_ID}|[1-9][0-9]{0,8}`,
	'a letter first then up to 62 of a-z, 0-9 and "-", ending in a letter or digit (e.g. "my-model-1"); or 1 to 9 digits without a leading zero',
);

/** Any existing model or endpoint id: a caller-chosen one, or a number Vertex made (19 digits). */
export const RESOURCE_ID = idRule(
	`${LETTER_FIRST_ID}|${NUMBER}`,
	'an ID such as "my-model-1" (a letter first, then a-z, 0-9 and "-") or the number Vertex AI gave it',
);

/** A project id: 6-30 of a-z, 0-9 and "-", a letter first, no trailing hyphen. */
export const PROJECT_ID = idRule('[a-z][a-z0-9-]{4,28}[a-z0-9]', '6 to 30 lowercase letters, digits and hyphens starting with a letter (e.g. my-project)');
/** A project number. */
export const PROJECT_NUMBER = idRule(NUMBER, 'a project number');
/** A legacy domain-scoped project, "example.com:my-project": DNS labels joined by single dots. */
const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
export const DOMAIN_PROJECT = idRule(`${DNS_LABEL}(?:\\.${DNS_LABEL})*:${PROJECT_ID.source}`, 'a domain-scoped project such as example.com:my-project');
/** What a request may name as its project. */
export const PROJECT = idRule(
	`${PROJECT_ID.source}|${PROJECT_NUMBER.source}|${DOMAIN_PROJECT.source}`,
	'a Google Cloud project ID: 6 to 30 lowercase letters, digits and hyphens starting with a letter (e.g. my-project), or a project number',
);

/** A VPC network by its full name, as PSC automation configs take it: projects/{project}/global/networks/{network}. */
export const VPC_NETWORK = idRule(
	`projects/(?:${PROJECT_ID.source}|${PROJECT_NUMBER.source})/global/networks/[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?`,
	'a VPC network\'s full name such as projects/my-project/global/networks/default',
);

/** A location: us-central1, europe-west4, northamerica-northeast1, global, us, eu... */
export const LOCATION = idRule(
	'[a-z][a-z0-9]{0,29}(?:-[a-z0-9]{1,29}){0,4}',
	'a Vertex AI region such as "us-central1" or "europe-west4", or "global", "us", "eu"',
);

/** A model version id: a number Vertex counts up from 1. */
export const MODEL_VERSION_ID = idRule(NUMBER, 'a model version number such as 2');
/** A version alias (Model.version_aliases: "[a-z][a-zA-Z0-9-]{0,126}[a-z0-9] to distinguish from version_id"). */
export const VERSION_ALIAS = idRule(
	'[a-z][a-zA-Z0-9-]{0,126}[a-z0-9]',
	'a lowercase letter first, then letters, digits or "-", ending in a lowercase letter or digit (up to 128)',
);
/** A model version as a name or `@` suffix names it: its id or one of its aliases. */
export const MODEL_VERSION = idRule(`${MODEL_VERSION_ID.source}|${VERSION_ALIAS.source}`, 'a version number (e.g. 2) or a version alias (e.g. default)');

/** A deployed model id as Vertex holds it (DeployedModel.id): digits, 1-10 when chosen, 19 when Vertex made it. */
export const DEPLOYED_MODEL_ID = idRule('[0-9]{1,20}', 'the number Vertex AI gave a deployed model');
/**
 * A deployed model this package names in a traffic split or an undeploy: a number Vertex made, never "0" (in a
 * traffic split "0" stands for the model being deployed).
 */
export const DEPLOYED_MODEL_NUMBER = idRule(NUMBER, 'the number Vertex AI gave a deployed model');
/** A traffic split key when deploying: a deployed model's number, or "0" for the model being deployed. */
export const NEW_TRAFFIC_SPLIT_KEY = idRule(`0|${NUMBER}`, 'the number Vertex AI gave a deployed model (or 0 for the model being deployed)');

/** A deployment resource pool id a caller chooses (CreateDeploymentResourcePoolRequest.deployment_resource_pool_id). */
export const POOL_ID = idRule(LETTER_FIRST_ID, 'a lowercase letter first, then up to 62 of a-z, 0-9 and "-", ending in a letter or digit (e.g. "gpu-pool-1")');

/** A long-running operation's id: a number. */
export const OPERATION_ID = idRule('[0-9]{1,20}', 'an operation number');

/** A service account's email (name@project.iam.gserviceaccount.com); its shape only, IAM checks the rest. */
export const SERVICE_ACCOUNT_EMAIL = idRule('[^@\\s]+@[^@\\s]+\\.[^@\\s]+', 'a service account email such as name@my-project.iam.gserviceaccount.com');

/** Compute Engine machine types: n1-standard-4, g2-standard-12, a3-highgpu-8g, ct5lp-hightpu-4t... */
export const MACHINE_TYPE = idRule('[a-z0-9]+(?:-[a-z0-9]+)+', 'a Compute Engine machine type such as n1-standard-4 or g2-standard-12');

/** A container's environment variable name (ModelContainerSpec.env): a C identifier. */
export const ENV_VAR_NAME = idRule('[A-Za-z_][A-Za-z0-9_]*', 'letters, digits and "_", not starting with a digit');

/** Label keys: a lowercase letter first, up to 63 lowercase letters, digits, "_" or "-" (international letters allowed). */
export const LABEL_KEY = idRule('[\\p{Ll}\\p{Lo}][\\p{Ll}\\p{Lo}\\p{N}_-]{0,62}', 'a lowercase letter, then up to 62 lowercase letters, digits, "_" or "-"', 'u');
/** Label values: up to 63 lowercase letters, digits, "_" or "-" (international letters allowed), or empty. */
export const LABEL_VALUE = idRule('[\\p{Ll}\\p{Lo}\\p{N}_-]{0,63}', 'up to 63 lowercase letters, digits, "_" or "-"', 'u');

// Resource names composed of the ids above.

/** `projects/{project}/locations/{location}`, the scope every resource name starts with. */
export const SCOPE_SOURCE = `projects/${PROJECT.source}/locations/${LOCATION.source}`;

/** A model's id or resource name, without a version. */
export const MODEL_NAME = idRule(`(?:${SCOPE_SOURCE}/models/)?${RESOURCE_ID.source}`, 'a model ID or resource name, without @version');
/** A model's id or resource name, with an optional `@{version}`. */
export const MODEL_REF = idRule(
	`${MODEL_NAME.source}(?:@${MODEL_VERSION.source})?`,
	'a model ID (e.g. my-model, or my-model@2 for a version) or projects/{project}/locations/{location}/models/{id}',
);
/** An endpoint's id or resource name. */
export const ENDPOINT_REF = idRule(
	`(?:${SCOPE_SOURCE}/endpoints/)?${RESOURCE_ID.source}`,
	'an endpoint ID (e.g. 1234567890) or projects/{project}/locations/{location}/endpoints/{id}',
);

/**
 * Collections Vertex starts aiplatform operations under (`.../{collection}/{id}/operations/{id}`): models and
 * endpoints for this package, and the other resources of the API that run long operations.
 */
export const OPERATION_COLLECTIONS = [
	'models',
	'endpoints',
	'datasets',
	'trainingPipelines',
	'customJobs',
	'hyperparameterTuningJobs',
	'batchPredictionJobs',
	'pipelineJobs',
	'indexes',
	'indexEndpoints',
	'featurestores',
	'tensorboards',
	'deploymentResourcePools',
	'persistentResources',
] as const;
const OPERATION_OWNER_SEGMENT = `/(?:models/${RESOURCE_ID.source}(?:@${MODEL_VERSION.source})?|(?:${OPERATION_COLLECTIONS.filter((name) => name !== 'models').join('|')})/${RESOURCE_ID.source})`;
/** `projects/{p}/locations/{l}(/{collection}/{id}){0,2}/operations/{number}`, as Vertex names operations. */
export const OPERATION_NAME = idRule(
	`${SCOPE_SOURCE}(?:${OPERATION_OWNER_SEGMENT}){0,2}/operations/${OPERATION_ID.source}`,
	'an operation name such as projects/123/locations/us-central1/endpoints/456/operations/789, as an earlier run output it',
);
/** What operations can be listed under: a location, a model or an endpoint. */
export const OPERATION_OWNER = idRule(
	`${SCOPE_SOURCE}(?:/(?:models|endpoints)/${RESOURCE_ID.source})?`,
	'a location, model or endpoint resource name such as projects/my-project/locations/us-central1',
);

/**
 * Console and REST URLs name a resource as `.../locations/{l}/endpoints/{id}` or `.../locations/{l}/models/{id}`,
 * e.g. https://console.cloud.google.com/vertex-ai/online-prediction/locations/us-central1/endpoints/123?project=p and
 * https://console.cloud.google.com/vertex-ai/models/locations/us-central1/models/123/versions/1/deploy?project=p.
 * Anchoring on `/locations/{l}/` matters: the second URL also has `/vertex-ai/models/locations`. Each source has
 * one capturing group, the id (what an n8n locator's `extractValue` takes).
 */
export const CONSOLE_URL = {
	endpointId: `/locations/[^/?#]+/endpoints/(${RESOURCE_ID.source})(?:[/?#]|$)`,
	modelId: `/locations/[^/?#]+/models/(${RESOURCE_ID.source})(?:[/?#]|$)`,
	modelVersion: `/locations/[^/?#]+/models/${RESOURCE_ID.source}/versions/(${MODEL_VERSION.source})(?:[/?#]|$)`,
} as const;

/** A deployment resource pool by id or full name (what DeployedModel.sharedResources holds, as the full name). */
export const DEPLOYMENT_RESOURCE_POOL = idRule(
	`(?:${SCOPE_SOURCE}/deploymentResourcePools/)?${POOL_ID.source}`,
	'a deployment resource pool ID (e.g. "my-pool") or projects/{project}/locations/{location}/deploymentResourcePools/{id}',
);

/** A Cloud KMS key for customer-managed encryption (encryptionSpec.kmsKeyName). */
export const KMS_KEY_NAME = idRule(
	`projects/${PROJECT.source}/locations/${LOCATION.source}/keyRings/[A-Za-z0-9_-]{1,63}/cryptoKeys/[A-Za-z0-9_-]{1,63}`,
	'projects/{project}/locations/{location}/keyRings/{key ring}/cryptoKeys/{key}, the key in the same region as the resource',
);

/** A Compute Engine reservation by its full name (ReservationAffinity.values: "the full name of the reservation"). */
export const RESERVATION_NAME = idRule(
	`projects/${PROJECT.source}/zones/[a-z]+-[a-z]+[0-9]+-[a-z]/reservations/[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?`,
	"a reservation's full name, projects/{project}/zones/{zone}/reservations/{name}",
);

/** A GPU partition: an NVIDIA multi-instance GPU profile such as 1g.10gb. */
export const GPU_PARTITION_SIZE = idRule('[1-9][0-9]?g\\.[1-9][0-9]{0,3}gb', 'a GPU partition size (a multi-instance GPU profile) such as 1g.10gb or 3g.40gb');

/** A TPU slice's shape: chips per dimension, such as 2x2 or 2x2x1. */
export const TPU_TOPOLOGY = idRule('[1-9][0-9]{0,2}x[1-9][0-9]{0,2}(?:x[1-9][0-9]{0,2})?', 'a TPU topology (chips per dimension) such as 2x2 or 2x2x1');

/** A Cloud Monitoring metric type, what an autoscaling metric spec names. */
export const MONITORING_METRIC_TYPE = idRule(
	'[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.googleapis\\.com/[A-Za-z0-9_][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.-]*)*',
	'a Cloud Monitoring metric type such as prometheus.googleapis.com/vertex_vllm_num_requests_waiting',
);

/** A Pub/Sub subscription id: a letter first, 3 to 255 letters, digits and - _ . ~ + (Pub/Sub also allows %, left out here: no escapes). */
export const PUBSUB_SUBSCRIPTION_ID = idRule('[A-Za-z][A-Za-z0-9_.~+-]{2,254}', 'a Pub/Sub subscription ID (a letter first, then 2 to 254 letters, digits and - _ . ~ +)');

// Values a model names that never become a segment of a request path (they may hold "/", "?" or "%").

/** A container image reference: registry host (and port), path, optional tag and digest; no spaces or line breaks. */
export const IMAGE_URI = idRule(
	'[a-z0-9][a-z0-9._-]*(?::[0-9]+)?(?:/[a-z0-9._-]+)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?',
	'a container image such as us-docker.pkg.dev/my-project/repo/server:tag, without spaces or line breaks',
);

/** A Cloud Storage bucket, or a folder in it (Model.artifact_uri). */
export const GCS_URI = idRule('gs://[a-z0-9][a-z0-9._-]{1,221}[a-z0-9](?:/[^\\s\\p{Cc}]*)?', 'a Cloud Storage folder such as gs://my-bucket/models/llm', 'u');

/** A route of the model server as Vertex AI calls it (predictRoute, healthRoute, probe paths): "/" first, no spaces or line breaks. */
export const SERVER_ROUTE = idRule('/[^\\s\\p{Cc}]*', 'a path starting with "/", without spaces or line breaks (e.g. /health)', 'u');
