import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRedactor, isSecretKey } from '../../actors/parse/redact.js';

const R = '[REDACTED]';

test('key=value, key: value, JSON quoting keep the key readable', () => {
  const r = createRedactor();
  assert.is(r.text('login password=hunter2 user=bob'), `login password=${R} user=bob`);
  assert.is(r.text('{"user":"bob","password": "x"}'), `{"user":"bob","password": "${R}"}`);
  assert.is(r.text('token: abc123'), `token: ${R}`);
  assert.is(r.text("secret='s3cr3t'"), `secret='${R}'`);
  assert.is(r.text('passwd=abc pwd=def'), `passwd=${R} pwd=${R}`);
  assert.is(r.text('DB_PASSWORD=hunter2'), `DB_PASSWORD=${R}`);
  assert.is(r.text('client_secret=abc&grant_type=x'), `client_secret=${R}&grant_type=x`);
  assert.is(r.text('x-auth-token: abc'), `x-auth-token: ${R}`);
  assert.is(r.text('AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG'), `AWS_SECRET_ACCESS_KEY=${R}`);
  assert.is(r.text('msg: {\\"password\\":\\"x\\"}'), `msg: {\\"password\\":\\"${R}\\"}`);
});

test('api key spellings', () => {
  const r = createRedactor();
  assert.is(r.text('api key: k1'), `api key: ${R}`);
  assert.is(r.text('api-key=k2'), `api-key=${R}`);
  assert.is(r.text('api_key=k3'), `api_key=${R}`);
  assert.is(r.text('apikey=k4'), `apikey=${R}`);
  assert.is(r.text('{"apiKey":"k5"}'), `{"apiKey":"${R}"}`);
  assert.is(r.text('X-API-Key: k6'), `X-API-Key: ${R}`);
});

test('Authorization headers: the whole credential', () => {
  const r = createRedactor();
  assert.is(r.text('Authorization: Basic dXNlcjpwYXNz'), `Authorization: Basic ${R}`);
  assert.is(r.text('authorization: Bearer eyJhbGciOi.abc-def_ghi=='), `authorization: Bearer ${R}`);
  assert.is(r.text('{"Authorization":"Bearer abc.def"}'), `{"Authorization":"Bearer ${R}"}`);
  assert.is(r.text('Authorization: Digest username="bob", realm="x", response="6629fae4"'), `Authorization: Digest ${R}`);
  assert.is(r.text('Proxy-Authorization: token123'), `Proxy-Authorization: ${R}`);
});

test('bare Bearer tokens, but not prose', () => {
  const r = createRedactor();
  assert.is(r.text('calling with Bearer 9f8e7d6c5b4a3f2e1d0c'), `calling with Bearer ${R}`);
  assert.is(r.text('Bearer authentication failed'), 'Bearer authentication failed');
});

test('JWT anywhere', () => {
  const r = createRedactor();
  const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  assert.is(r.text(`session started ${jwt} ok`), `session started ${R} ok`);
  assert.is(r.text(`token=${jwt}`), `token=${R}`);
  assert.is(r.count, 2);
});

test('credentials in URLs', () => {
  const r = createRedactor();
  assert.is(r.text('connecting to postgres://app:s3cr3t@db:5432/app'), `connecting to postgres://app:${R}@db:5432/app`);
  assert.is(r.text('redis://:p4ss@cache:6379'), `redis://:${R}@cache:6379`);
  assert.is(r.text('see https://example.com:8443/a@b'), 'see https://example.com:8443/a@b');
});

test('AWS access key ids and private key blocks', () => {
  const r = createRedactor();
  assert.is(r.text('key id AKIAIOSFODNN7EXAMPLE used'), `key id ${R} used`);
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----';
  assert.is(r.text(`loaded ${pem} done`), `loaded -----BEGIN RSA PRIVATE KEY-----${R}-----END RSA PRIVATE KEY----- done`);
  // A block cut off before its END line is redacted to the end.
  assert.is(r.text('-----BEGIN PRIVATE KEY-----\nMIIEvQ'), `-----BEGIN PRIVATE KEY-----${R}-----END PRIVATE KEY-----`);
});

test('cookies', () => {
  const r = createRedactor();
  assert.is(r.text('Cookie: session=abc; theme=dark'), `Cookie: ${R}`);
  assert.is(r.text('Set-Cookie: sid=xyz; Path=/; HttpOnly'), `Set-Cookie: ${R}`);
});

test('false positives: readable text stays as it is', () => {
  const r = createRedactor();
  const clean = [
    'token bucket refilled',
    'password reset email sent to user 42',
    'keyboard layout set to us',
    'monkey=3',
    'tokens_used=17',
    'max_tokens=4096 token_count=12',
    'author=jane authenticated=true',
    'the secret ingredient is love',
    'Bearer authentication is configured',
    'visit https://example.com/path?q=1',
    'email bob@example.com',
    'password=null token=""',
  ];
  for (const s of clean) assert.is(r.text(s), s, s);
  assert.is(r.count, 0);
});

test('fields: secret keys at any depth, other strings through text()', () => {
  const r = createRedactor();
  const obj = {
    user: 'bob',
    password: 'hunter2',
    tokens_used: 17,
    req: { headers: { Authorization: 'Bearer abc', 'set-cookie': ['a=b'], accept: 'json' }, url: 'https://u:p@h/x' },
    items: [{ api_key: 'k' }, { name: 'ok' }],
    access_token: 'a',
    refresh_token: 'b',
    private_key: 'c',
    client_secret: 'd',
    credentials: { user: 'x', pass: 'y' },
    auth: 'z',
    passwordChanged: false,
  };
  const out = r.fields(obj);
  assert.equal(out, {
    user: 'bob',
    password: R,
    tokens_used: 17,
    req: { headers: { Authorization: R, 'set-cookie': R, accept: 'json' }, url: `https://u:${R}@h/x` },
    items: [{ api_key: R }, { name: 'ok' }],
    access_token: R,
    refresh_token: R,
    private_key: R,
    client_secret: R,
    credentials: R,
    auth: R,
    passwordChanged: false,
  });
  // Copy on write: the input is untouched.
  assert.is(obj.password, 'hunter2');
  assert.is(obj.req.headers.Authorization, 'Bearer abc');
  assert.is(r.count, 11);
});

test('fields: unchanged object is returned as is', () => {
  const r = createRedactor();
  const obj = { a: 1, b: 'text', c: { d: ['x'] }, tokens_used: 5 };
  assert.is(r.fields(obj), obj);
  assert.is(r.count, 0);
});

test('isSecretKey', () => {
  for (const k of ['password', 'PASSWORD', 'db_passwd', 'pwd', 'secret', 'token', 'access_token', 'api-key', 'apiKey', 'Authorization', 'Cookie', 'Set-Cookie', 'private_key', 'client_secret', 'credentials', 'auth', 'basicAuth']) {
    assert.ok(isSecretKey(k), k);
  }
  for (const k of ['tokens_used', 'max_tokens', 'author', 'keyboard', 'monkey', 'user', 'auth_method', 'token_type']) {
    assert.not.ok(isSecretKey(k), k);
  }
});

test('extra patterns replace the whole match, global or not', () => {
  const r = createRedactor({ extraPatterns: [/cust-\d{6}/, /ssn \d{3}-\d{2}-\d{4}/g] });
  assert.is(r.text('ids cust-123456 and cust-654321, ssn 123-45-6789'), `ids ${R} and ${R}, ${R}`);
  assert.is(r.count, 3);
  assert.is(r.text('nothing here'), 'nothing here');
  assert.is(r.count, 3);
});

test('count totals every redaction; redacting twice adds nothing', () => {
  const r = createRedactor();
  const once = r.text('password=a token=b AKIAIOSFODNN7EXAMPLE');
  assert.is(r.count, 3);
  assert.is(r.text(once), once);
  assert.is(r.count, 3);
});

test('clean text is returned as the same string', () => {
  const r = createRedactor();
  const s = '2025-10-25 14:30:00 INFO [websocket-ingestion] Connected to Home Assistant';
  assert.is(r.text(s), s);
});

test('a secret nested deeper than the walk goes is still not kept', () => {
  const r = createRedactor();
  let deep: Record<string, unknown> = { password: 'hunter2' };
  for (let i = 0; i < 40; i++) deep = { level: deep };
  const out = JSON.stringify(r.fields({ deep }));
  assert.not.ok(out.includes('hunter2'), out.slice(-120));
});

test.run();
