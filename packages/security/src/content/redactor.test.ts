// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} references are the input under test
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRedactor } from './redactor.ts';

const r = createRedactor();

test('vendor tokens become a labelled mask with no usable prefix', () => {
  const cases: [string, string][] = [
    ['ghp_abcdefghij1234567890ABCDEFGHIJklmnop', 'github_token'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijklmnop', 'github_token'],
    ['sk-proj-abc123def456ghi789jkl012', 'openai_key'],
    ['sk-ant-api03-FAKEfakeFAKEfake0123456789', 'anthropic_key'],
    ['AKIAIOSFODNN7EXAMPLE', 'aws_access_key_id'],
    ['xoxb-1234567890-abcdefghijklmn', 'slack_token'],
    ['sk_live_FAKEFAKEFAKEFAKE12345678', 'stripe_key'],
    ['AIzaSyB-abc123def456ghi789jklmno012345', 'google_api_key'],
    ['hf_abcdefghijklmnopqrstuvwxyzABCD', 'huggingface_token'],
    ['npm_abcdefghijklmnopqrstuvwxyz0123456789', 'npm_token'],
    ['pypi-AgEIcHlwaS5vcmcCJGFiY2RlZg', 'pypi_token'],
    ['glpat-Zx9AbCdEfGhIjKlMnOpQ', 'gitlab_token'],
    ['SG.abcdefghijklmnop.qrstuvwxyz0123456789', 'sendgrid_key'],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'jwt'],
  ];
  for (const [token, kind] of cases) {
    const out = r.redact(`value ${token} end`);
    assert.equal(out, `value [REDACTED:${kind}] end`, token);
  }
});

test('a token split by control or zero-width characters is still masked', () => {
  for (const t of [
    'ghp_abcdef\u001b1234567890ABCDEF',
    'ghp_abc\u200b123def456ghi789',
    'ghp_abc\u001b[0m123def456ghi789',
  ]) {
    assert.ok(!r.redact(t).includes('456'), JSON.stringify(t));
  }
});

test('assignments: strong names always mask, weak names only credential-shaped values', () => {
  assert.equal(r.redact('PASSWORD=hunter2'), 'PASSWORD=***');
  assert.equal(r.redact('export SECRET_TOKEN=mypassword'), 'export SECRET_TOKEN=***');
  assert.equal(r.redact('db_password: hunter2'), 'db_password: ***');
  assert.equal(r.redact('client_secret=abc'), 'client_secret=***');
  assert.equal(r.redact('MY_SECRET_TOKEN="supersecretvalue123456789"'), 'MY_SECRET_TOKEN="***"');
  assert.equal(r.redact(`{'BRAVE_API_KEY': 'opaque-value-1234'}`), `{'BRAVE_API_KEY': '***'}`);
  assert.equal(r.redact('{"access_token": "abc.def", "user": "bob"}'), '{"access_token": "***", "user": "bob"}');
  assert.equal(r.redact('{\\"password\\": \\"p4ss\\"}'), '{\\"password\\": \\"***\\"}');
  assert.equal(r.redact('MISTRAL_API_KEY=abc123secret # used for tests'), 'MISTRAL_API_KEY=*** # used for tests');
  assert.equal(r.redact('password=mysecret&username=bob&token=opaqueValue'), 'password=***&username=bob&token=***');
  assert.equal(r.redact('GITHUB_TOKEN=abcd1234efgh5678'), 'GITHUB_TOKEN=***');
});

test('value-aware: names, references and technical vocabulary survive', () => {
  for (const s of [
    'tokenizer=bert',
    'MAX_TOKENS=4096',
    '{"token": "CPU"}',
    'token: CPU',
    'echo $API_KEY',
    'API_KEY=$API_KEY',
    'MY_API_KEY=os.getenv("OPENAI_API_KEY")',
    'token = process.env.GH_TOKEN',
    'password_file=/run/secrets/db',
    'auth_method: oauth',
    'Secretary: JanetYellen1234567890',
    'the authorization model is fully open',
    'PATH=/usr/local/bin:/usr/bin',
    '--override-tensor per_layer_token_embd.weight=CPU',
    'def login(password: str, token: Optional[str]) -> None:',
    'password: ${{ secrets.DB_PASSWORD }}',
    'if key == other_key:',
    'https://user:supersecretpw@host.example.com/path',
    'https://git@github.com/user/repo.git',
  ]) {
    assert.equal(r.redact(s), s, s);
  }
});

test('headers keep the scheme word; database URL passwords are masked', () => {
  assert.equal(r.redact('Authorization: Bearer sk-proj-abc123def456ghi789jkl012'), 'Authorization: Bearer ***');
  assert.equal(r.redact('curl -H "Authorization: Basic dXNlcjpwYXNz" x'), 'curl -H "Authorization: Basic ***" x');
  assert.equal(r.redact('Proxy-Authorization: token abcdef0123456789'), 'Proxy-Authorization: token ***');
  assert.equal(r.redact('x-api-key: anotherOpaqueSecret1234567'), 'x-api-key: ***');
  assert.equal(r.redact('sent Bearer abcdefghijklmnop1234 upstream'), 'sent Bearer *** upstream');
  assert.equal(
    r.redact('postgres://app:s3cr3t@db:5432/x redis://:pw123@cache:6379 mongodb+srv://u:p%40ss@c.net/db'),
    'postgres://app:***@db:5432/x redis://:***@cache:6379 mongodb+srv://u:***@c.net/db',
  );
  assert.equal(
    r.redact('https://x.test/cb?code=1&access_token=FRAG_SECRET&view=public'),
    'https://x.test/cb?code=1&access_token=***&view=public',
  );
});

test('telegram bot ids stay, their secret half goes; phones, webhooks and web-URL tokens are masked', () => {
  assert.equal(r.redact('url bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/x'), 'url bot123456789:***/x');
  assert.equal(r.redact('call +15551234567 now'), 'call [REDACTED:phone] now');
  assert.equal(
    r.redact('post https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX done'),
    'post https://[REDACTED:slack_webhook] done',
  );
  assert.equal(
    r.redact('git clone https://abcdef0123456789abcd@github.com/o/r'),
    'git clone https://***@github.com/o/r',
  );
  assert.equal(r.redact('https://oauth2:a1b2c3d4e5f6g7h8i9j0@gitlab.com/x'), 'https://oauth2:***@gitlab.com/x');
});

test('CLI password flags and .netrc lines are masked', () => {
  assert.equal(r.redact('mysql --user app --password s3cr3t db'), 'mysql --user app --password *** db');
  assert.equal(r.redact('tool --api-key "abc def" --token CPU'), 'tool --api-key "***" --token CPU');
  assert.equal(
    r.redact('machine api.example.com login bob password hunter2'),
    'machine api.example.com login bob password ***',
  );
  assert.equal(r.redact('docker login --password-stdin'), 'docker login --password-stdin');
});

test('PEM private key blocks are removed whole, even unterminated', () => {
  const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA\n-----END OPENSSH PRIVATE KEY-----';
  assert.equal(r.redact(`key:\n${pem}\nafter`), 'key:\n[REDACTED PRIVATE KEY]\nafter');
  assert.equal(r.redact('x -----BEGIN RSA PRIVATE KEY-----\nMIIE'), 'x [REDACTED PRIVATE KEY]');
  assert.equal(r.redact('-----BEGIN PUBLIC KEY-----\nMIIB'), '-----BEGIN PUBLIC KEY-----\nMIIB');
});

test('known secret values are removed whatever their shape; trivial ones are ignored and counted', () => {
  const k = createRedactor({ knownSecrets: ['correct horse battery', 'abc', 'password', 'Zq8#x!'] });
  assert.equal(k.ignoredKnownSecrets, 2); // `abc` (short) and `password` (common)
  assert.equal(
    k.redact('said correct horse battery and Zq8#x! twice'),
    'said [REDACTED:known_secret] and [REDACTED:known_secret] twice',
  );
  assert.equal(k.redact('abc password'), 'abc password');
});

test('redaction is idempotent', () => {
  const once = r.redact('TOKEN=ghp_abcdefghij1234567890 Authorization: Bearer abcdef0123456789xyz');
  assert.equal(r.redact(once), once);
});

test('hostile inputs stay linear (no catastrophic backtracking)', () => {
  const inputs = [
    'key='.repeat(50_000),
    'a'.repeat(200_000),
    'sk-a '.repeat(40_000),
    `${'A_'.repeat(100_000)}TOKEN=x`,
    'mysql://u:'.repeat(20_000),
    'keykeykey'.repeat(20_000),
  ];
  for (const s of inputs) {
    const t0 = performance.now();
    r.redact(s);
    assert.ok(performance.now() - t0 < 1000, s.slice(0, 20));
  }
});
