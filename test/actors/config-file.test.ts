/** The configuration file: YAML, validated against the registered section schemas, errors naming the path. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigFileError, parseConfigFile, registerConfigSection } from '../../actors/service/config-file.js';

const test = suite('config-file');

registerConfigSection('testing', {
  type: 'object',
  additionalProperties: false,
  properties: { rules: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' }, level: { enum: ['info', 'error'] } } } } },
});

const fails = (text: string, path: string, message: RegExp) => {
  try {
    parseConfigFile(text);
    assert.unreachable('should have thrown');
  } catch (e) {
    assert.instance(e, ConfigFileError);
    assert.is((e as ConfigFileError).path, path);
    assert.match((e as Error).message, message);
  }
};

test('a valid file parses; an empty one is an empty configuration', () => {
  assert.equal(parseConfigFile('testing:\n  rules:\n    - name: a\n      level: error\n'), { testing: { rules: [{ name: 'a', level: 'error' }] } });
  assert.equal(parseConfigFile(''), {});
});

test('errors name the path of the value at fault', () => {
  fails('testing:\n  rules:\n    - name: a\n    - name: b\n    - name: c\n      colour: red\n', 'testing.rules[2].colour', /unknown field/);
  fails('testing:\n  rules:\n    - level: info\n', 'testing.rules[0].name', /is required/);
  fails('testing:\n  rules:\n    - name: a\n      level: loud\n', 'testing.rules[0].level', /one of "info", "error"/);
  fails('nonsense: 1\n', 'nonsense', /unknown field/);
});

test('bad YAML says so, with the line', () => {
  fails('testing:\n  rules: [\n', '', /not valid YAML/);
});

test.run();
