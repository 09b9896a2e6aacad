// Our own curated lists (reference/tirith-data-notes.md §2: build our own, never copy Tirith's).
// High-value domains an agent platform talks to: code hosts, registries, clouds, AI APIs, installers.
export const KNOWN_DOMAINS: readonly string[] = [
  'github.com', 'githubusercontent.com', 'gitlab.com', 'bitbucket.org', 'codeberg.org', 'sourceforge.net',
  'npmjs.com', 'npmjs.org', 'yarnpkg.com', 'pypi.org', 'pythonhosted.org', 'python.org', 'rubygems.org', 'crates.io',
  'rust-lang.org', 'golang.org', 'go.dev', 'nodejs.org', 'deno.land', 'bun.sh', 'brew.sh', 'docker.com', 'docker.io',
  'ghcr.io', 'quay.io', 'gcr.io', 'k8s.io', 'kubernetes.io', 'helm.sh', 'hashicorp.com', 'terraform.io',
  'google.com', 'googleapis.com', 'gstatic.com', 'microsoft.com', 'azure.com', 'windows.net', 'live.com', 'office.com',
  'apple.com', 'icloud.com', 'amazon.com', 'amazonaws.com', 'cloudfront.net', 'cloudflare.com', 'digitalocean.com',
  'heroku.com', 'vercel.com', 'netlify.com', 'openai.com', 'anthropic.com', 'huggingface.co', 'nousresearch.com',
  'ubuntu.com', 'debian.org', 'fedoraproject.org', 'archlinux.org', 'alpinelinux.org', 'kernel.org', 'gnu.org',
  'mozilla.org', 'paypal.com', 'stripe.com', 'slack.com', 'discord.com', 'telegram.org', 'whatsapp.com',
  'facebook.com', 'instagram.com', 'twitter.com', 'linkedin.com', 'dropbox.com', 'atlassian.com', 'jetbrains.com',
  'oracle.com', 'java.com', 'maven.org', 'gradle.org', 'nuget.org', 'packagist.org', 'cocoapods.org', 'jsdelivr.net',
  'unpkg.com', 'cdnjs.com', 'getcomposer.org', 'rustup.rs', 'sh.rustup.rs', 'get.docker.com', 'raw.githubusercontent.com',
  'releases.hashicorp.com', 'dl.google.com', 'storage.googleapis.com', 'binance.com', 'coinbase.com', 'metamask.io',
];

export const SHORTENERS: ReadonlySet<string> = new Set(['bit.ly', 't.co', 'tinyurl.com', 'is.gd', 'v.gd', 'goo.gl', 'ow.ly', 'buff.ly', 'rb.gy', 'cutt.ly', 'shorturl.at', 'tiny.cc', 'bl.ink', 'rebrand.ly', 't.ly']);

/** Public Web3 JSON-RPC providers (an RPC URL usually embeds an API key). */
export const WEB3_RPC = /(?:^|\.)(?:alchemy\.com|infura\.io|quiknode\.pro|ankr\.com|cloudflare-eth\.com|llamarpc\.com|publicnode\.com|chainstack\.com|blastapi\.io|drpc\.org|alchemyapi\.io|moralis\.io|getblock\.io)$/;

/** Popular repositories as typosquat anchors (owner/name, lower-case). */
export const POPULAR_REPOS: readonly string[] = [
  'torvalds/linux', 'facebook/react', 'microsoft/vscode', 'microsoft/typescript', 'nodejs/node', 'python/cpython',
  'rust-lang/rust', 'rust-lang/rustup', 'golang/go', 'kubernetes/kubernetes', 'tensorflow/tensorflow', 'pytorch/pytorch',
  'vercel/next.js', 'denoland/deno', 'oven-sh/bun', 'npm/cli', 'ohmyzsh/ohmyzsh', 'nvm-sh/nvm', 'homebrew/brew',
  'homebrew/install', 'docker/compose', 'moby/moby', 'hashicorp/terraform', 'ansible/ansible', 'git/git', 'neovim/neovim',
  'vim/vim', 'curl/curl', 'openssl/openssl', 'django/django', 'pallets/flask', 'rails/rails', 'angular/angular',
  'vuejs/vue', 'sveltejs/svelte', 'huggingface/transformers', 'nousresearch/hermes-agent', 'astral-sh/uv',
  'astral-sh/ruff', 'pnpm/pnpm', 'burntsushi/ripgrep', 'junegunn/fzf', 'sharkdp/bat', 'openai/openai-python',
  'anthropics/anthropic-sdk-python', 'langchain-ai/langchain', 'ggerganov/llama.cpp', 'ollama/ollama', 'microsoft/terminal',
];
