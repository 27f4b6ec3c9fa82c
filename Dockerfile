# n8n's official image with this package installed as a community package.
# Not built in this repository's CI (the image is not available here): build it where Docker can pull it.
#
#   npm run build && npm pack          # writes n8n-nodes-vertex-invoke-<version>.tgz beside this file
#   docker build -t n8n-vertex .
#
# Keep the tag at a supported n8n release (README, "Supported n8n").
FROM docker.n8n.io/n8nio/n8n:2.40.7

# n8n loads community packages from <user folder>/.n8n/nodes/node_modules; the image runs as `node`.
# --legacy-peer-deps: the package's peer dependencies (n8n-workflow, @n8n/ai-node-sdk) must resolve to
# n8n's own copies, not to copies npm would otherwise install beside it.
# The folder is made first as `node`, so the install below can write to it; the tarball stays there
# (the folder's package.json names it as the dependency).
RUN mkdir -p /home/node/.n8n/nodes
COPY --chown=node:node n8n-nodes-vertex-invoke-*.tgz /home/node/.n8n/nodes/
RUN cd /home/node/.n8n/nodes \
	&& npm install --omit=dev --ignore-scripts --legacy-peer-deps --no-audit --no-fund ./n8n-nodes-vertex-invoke-*.tgz
